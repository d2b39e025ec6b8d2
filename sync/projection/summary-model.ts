// The display model of one patient's record from one ICB (PatientSummary), as the pull engine stores it
// and the UI renders it. Every item names the resource it came from (ItemSource). Types only.

export interface SourceIcb {
  readonly odsCode: string;
  readonly name: string;
}

/** Where an item came from: the ICB (ODS code), and the FHIR resource's type, id and meta.lastUpdated. */
export interface ItemSource {
  readonly icb: string;
  readonly resourceType: string;
  readonly id: string;
  readonly lastUpdated?: string;
}

/** One coding kept for matching and de-duplication (display text lives on the item). */
export interface Code {
  readonly system?: string;
  readonly code: string;
  readonly display?: string;
}

/** Fields every displayed item carries. `display` is the coding's display, else the text, else the code. */
export interface SourcedItem {
  readonly source: ItemSource;
  readonly display: string;
}

export interface AttachmentLink {
  readonly title?: string;
  readonly url?: string;
  readonly contentType?: string;
}

export type ResuscitationKind = 'DNACPR' | 'ReSPECT' | 'Treatment escalation plan' | 'Advance care plan';

export interface ResuscitationItem extends SourcedItem {
  readonly kind: ResuscitationKind;
  /** The decision in words, e.g. 'Do not attempt CPR'; absent when only the document holds it. */
  readonly decision?: string;
  readonly date?: string;
  /** Who holds the document or made the decision (custodian, organisation, author). */
  readonly holder?: string;
  readonly attachment?: AttachmentLink;
  readonly codes: readonly Code[];
}

export interface AllergyReaction {
  readonly manifestations: readonly string[];
  readonly severity?: 'mild' | 'moderate' | 'severe';
}

export interface AllergyItem extends SourcedItem {
  readonly codes: readonly Code[];
  readonly reactions: readonly AllergyReaction[];
  readonly criticality?: 'low' | 'high' | 'unable-to-assess';
  readonly clinicalStatus?: string;
  readonly verificationStatus?: string;
  readonly category: readonly string[];
  readonly recordedDate?: string;
}

/** A "no known allergy" statement (SNOMED 716186003 and similar): evidence, never an allergy. */
export interface NoKnownAllergyItem extends SourcedItem {
  readonly codes: readonly Code[];
  readonly recordedDate?: string;
}

export interface AllergySection {
  /** 'recorded' when any real allergy is present, even if a "no known allergy" statement also exists. */
  readonly status: 'recorded' | 'no-known-allergies' | 'not-recorded';
  /** Real allergies only, most critical first. */
  readonly items: readonly AllergyItem[];
  readonly noKnownAllergies: readonly NoKnownAllergyItem[];
  /** Set when a "no known allergy" statement contradicts a recorded allergy: words for the crew. */
  readonly conflict?: string;
}

export type AlertKind =
  | 'violence-risk'
  | 'safeguarding'
  | 'restricted-record'
  | 'communication'
  | 'clinical'
  | 'implanted-device'
  | 'other';

export interface AlertItem extends SourcedItem {
  readonly kind: AlertKind;
  readonly codes: readonly Code[];
  readonly category: readonly string[];
  readonly start?: string;
  /** Flag period.end: the UI hides the alert once this has passed (the projection hid it if already past). */
  readonly until?: string;
  readonly author?: string;
}

export type PlanKind =
  'End of life care coordination' | 'Mental health crisis plan' | 'Emergency healthcare plan';

export interface PlanItem extends SourcedItem {
  readonly kind: PlanKind;
  readonly date?: string;
  readonly author?: string;
  readonly status?: string;
  readonly attachment?: AttachmentLink;
  readonly codes: readonly Code[];
}

/** Medicines that change what a crew does (bleeding risk, hypoglycaemia) are marked and listed first. */
export type MedicationRisk = 'anticoagulant' | 'insulin';

export interface MedicationItem extends SourcedItem {
  readonly codes: readonly Code[];
  readonly doseText?: string;
  /** FHIR status: 'active', 'intended' or 'on-hold' (others are never shown). */
  readonly status: string;
  readonly intent?: string;
  readonly date?: string;
  readonly risk?: MedicationRisk;
}

export interface ProblemItem extends SourcedItem {
  readonly codes: readonly Code[];
  readonly clinicalStatus: string;
  readonly category: readonly string[];
  readonly onset?: string;
  readonly recordedDate?: string;
  readonly severity?: string;
}

export interface CarePlanItem extends SourcedItem {
  readonly category: readonly string[];
  readonly author?: string;
  readonly description?: string;
  readonly start?: string;
  readonly end?: string;
  readonly codes: readonly Code[];
}

export interface BloodPressure {
  readonly systolic?: number;
  readonly diastolic?: number;
  readonly unit?: string;
}

export interface ObservationItem extends SourcedItem {
  readonly codes: readonly Code[];
  /** Grouping key: the LOINC code where present, else the first system|code. */
  readonly key: string;
  readonly date?: string;
  readonly value?: number;
  readonly unit?: string;
  readonly bloodPressure?: BloodPressure;
  /** The value as words, e.g. '128/82 mmHg', '96 %'. */
  readonly valueText: string;
  readonly status: string;
}

export interface Spo2Target {
  readonly text: string;
  readonly scale?: 1 | 2;
  readonly source: ItemSource;
}

export interface EncounterItem extends SourcedItem {
  readonly status: string;
  readonly class?: string;
  readonly types: readonly string[];
  readonly reasons: readonly string[];
  readonly locations: readonly string[];
  readonly serviceProvider?: string;
  readonly start?: string;
  readonly end?: string;
}

export interface ContactItem extends SourcedItem {
  readonly relationships: readonly string[];
  readonly nextOfKin: boolean;
  readonly emergencyContact: boolean;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
}

export interface RegisteredGp {
  readonly name?: string;
  readonly odsCode?: string;
  readonly source: ItemSource;
}

export interface NarrativeItem {
  readonly source: ItemSource;
  readonly title?: string;
  /** Raw XHTML exactly as received. Sanitise (DOMPurify) before rendering, or use narrativeText(). */
  readonly xhtml: string;
}

/** A resource the projection could not read (malformed) or would not show (another patient's). */
export interface UnreadableItem {
  readonly source: ItemSource;
  readonly reason: string;
}

export interface HumanNameView {
  readonly family?: string;
  readonly given: readonly string[];
  readonly text: string;
  readonly use?: string;
}

export interface AddressView {
  readonly lines: readonly string[];
  readonly city?: string;
  readonly district?: string;
  readonly postcode?: string;
  readonly use?: string;
  readonly text: string;
}

export interface TelecomView {
  readonly system?: string;
  readonly value: string;
  readonly use?: string;
}

export interface Demographics {
  readonly nhsNumber?: string;
  readonly names: readonly HumanNameView[];
  readonly birthDate?: string;
  readonly gender?: string;
  readonly deceased?: { readonly dateTime?: string };
  readonly addresses: readonly AddressView[];
  readonly telecom: readonly TelecomView[];
  /**
   * Patient.meta.security holds R (restricted) or V (very restricted) from v3-Confidentiality. Everything
   * is still projected; the UI shows a notice instead of the content and decides what may be revealed.
   */
  readonly restricted: boolean;
}

export interface SummarySource {
  readonly icb: SourceIcb;
  readonly patientId: string;
  readonly fetchedAt: string;
  /** Newest meta.lastUpdated of any resource in the record. */
  readonly lastUpdated?: string;
}

export interface PatientSummary {
  readonly schemaVersion: 1;
  readonly source: SummarySource;
  readonly demographics: Demographics;
  readonly resuscitation: readonly ResuscitationItem[];
  readonly allergies: AllergySection;
  readonly alerts: readonly AlertItem[];
  readonly plans: readonly PlanItem[];
  readonly medications: readonly MedicationItem[];
  readonly problems: readonly ProblemItem[];
  readonly carePlans: readonly CarePlanItem[];
  readonly baselineObservations: readonly ObservationItem[];
  readonly spo2Target?: Spo2Target;
  readonly encounters: readonly EncounterItem[];
  readonly contacts: readonly ContactItem[];
  readonly registeredGp?: RegisteredGp;
  readonly narratives: readonly NarrativeItem[];
  /** Resources left out because they were malformed or belonged to another patient; the UI says so. */
  readonly unreadable: readonly UnreadableItem[];
}

export interface ProjectionInput {
  readonly icb: SourceIcb;
  /** Plain resources, IPS document Bundles ($summary) and/or searchset Bundles. */
  readonly resources: readonly unknown[];
  readonly fetchedAt: string;
  /** The instant against which Flag periods are judged; defaults to fetchedAt. */
  readonly now?: string;
}
