// The code systems and code sets the projection recognises (SNOMED CT, LOINC, HL7 terminology), by name.
// SNOMED codes follow DESIGN.md section 5; UK Core (https://fhir.hl7.org.uk) and IPS codings both apply.

export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const DMD = 'https://dmd.nhs.uk';
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
/** IPS "absent or unknown" codes: statements such as no-known-allergies or no-problem-info. */
export const IPS_ABSENT_UNKNOWN = 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips';

/** Confidentiality codes that make a record restricted: R (restricted), V (very restricted). */
export const RESTRICTED_CONFIDENTIALITY = new Set(['R', 'V']);

// Resuscitation (DESIGN.md section 5, Resuscitation)
export const NOT_FOR_RESUSCITATION = '304253006';
export const NOT_FOR_ATTEMPTED_CPR = '450476008';
export const RESPECT_FORM = '1382601000000107';
export const TREATMENT_ESCALATION_PLAN = '735324008';
export const ADVANCE_CARE_PLAN = '736366004';
/** Consent.category code from http://terminology.hl7.org/CodeSystem/consentcategorycodes. */
export const CONSENT_CATEGORY_DNR = 'dnr';
export const DNACPR_CODES: ReadonlySet<string> = new Set([NOT_FOR_RESUSCITATION, NOT_FOR_ATTEMPTED_CPR]);
export const RESUSCITATION_DOCUMENT_CODES: ReadonlySet<string> = new Set([
  RESPECT_FORM,
  TREATMENT_ESCALATION_PLAN,
  ADVANCE_CARE_PLAN,
]);

// Plans (DESIGN.md section 5, Plans)
export const END_OF_LIFE_COORDINATION = '861421000000109';
export const MENTAL_HEALTH_CRISIS_PLAN = '736253002';
export const EMERGENCY_HEALTHCARE_PLAN = '887701000000100';
export const PLAN_CODES: ReadonlySet<string> = new Set([
  END_OF_LIFE_COORDINATION,
  MENTAL_HEALTH_CRISIS_PLAN,
  EMERGENCY_HEALTHCARE_PLAN,
]);

// Allergies: "no known allergy" statements, SNOMED and IPS absent-unknown.
export const NO_KNOWN_ALLERGY = '716186003';
export const NO_KNOWN_DRUG_ALLERGY = '409137002';
export const NO_KNOWN_ENVIRONMENTAL_ALLERGY = '428607008';
export const NO_KNOWN_FOOD_ALLERGY = '429625007';
/** What each "no known allergy" code rules out: an AllergyIntolerance.category, or every category. */
export const NO_KNOWN_ALLERGY_SCOPE: ReadonlyMap<string, 'all' | 'medication' | 'environment' | 'food'> =
  new Map([
    [NO_KNOWN_ALLERGY, 'all'],
    [NO_KNOWN_DRUG_ALLERGY, 'medication'],
    [NO_KNOWN_ENVIRONMENTAL_ALLERGY, 'environment'],
    [NO_KNOWN_FOOD_ALLERGY, 'food'],
    ['no-known-allergies', 'all'],
    ['no-known-medication-allergies', 'medication'],
    ['no-known-environmental-allergies', 'environment'],
    ['no-known-food-allergies', 'food'],
  ]);
/** IPS codes meaning "nothing recorded": not an allergy, not a problem, not a medicine. */
export const NO_INFORMATION_CODES: ReadonlySet<string> = new Set([
  'no-allergy-info',
  'no-problem-info',
  'no-medication-info',
  'no-known-problems',
  'no-known-medications',
]);
export const ANAPHYLAXIS = '39579001';

// Vital signs (LOINC), in the order a crew reads them (NEWS2 order first).
export const VITAL_SIGN_ORDER: readonly string[] = [
  '9279-1', // respiratory rate
  '59408-5', // SpO2 by pulse oximetry
  '2708-6', // oxygen saturation in arterial blood
  '85354-9', // blood pressure panel
  '55284-4', // blood pressure systolic and diastolic
  '8480-6', // systolic blood pressure
  '8462-4', // diastolic blood pressure
  '8867-4', // heart rate
  '8310-5', // body temperature
  '29463-7', // body weight
  '8302-2', // body height
  '39156-5', // body mass index
  '8478-0', // mean blood pressure
  '9843-4', // head circumference
];
export const VITAL_SIGN_CODES: ReadonlySet<string> = new Set(VITAL_SIGN_ORDER);
export const BLOOD_PRESSURE_PANELS: ReadonlySet<string> = new Set(['85354-9', '55284-4']);
export const SYSTOLIC = '8480-6';
export const DIASTOLIC = '8462-4';
export const SPO2_CODES: ReadonlySet<string> = new Set(['59408-5', '2708-6']);

// Contacts: next of kin and emergency contact, in v2-0131 (Patient.contact) and v3-RoleCode (RelatedPerson).
export const NEXT_OF_KIN_CODES: ReadonlySet<string> = new Set(['N', 'NOK']);
export const EMERGENCY_CONTACT_CODES: ReadonlySet<string> = new Set(['C', 'ECON']);

/** Medicines whose presence changes treatment; matched on the name because dm+d has thousands of products. */
export const ANTICOAGULANT_NAMES: readonly string[] = [
  'warfarin',
  'apixaban',
  'rivaroxaban',
  'edoxaban',
  'dabigatran',
  'acenocoumarol',
  'phenindione',
  'heparin',
  'enoxaparin',
  'dalteparin',
  'tinzaparin',
  'fondaparinux',
];
export const INSULIN_NAMES: readonly string[] = ['insulin'];

// Alert classification words (Flag code display/text), used with Flag.category because UK systems code
// safeguarding and violence markers inconsistently: matching the words is the portable part.
export const VIOLENCE_WORDS: readonly string[] = [
  'violen',
  'aggress',
  'weapon',
  'assault',
  'threat',
  'dangerous',
  'police escort',
];
export const SAFEGUARDING_WORDS: readonly string[] = [
  'safeguard',
  'child protection',
  'protection plan',
  'vulnerable adult',
  'risk of abuse',
  'risk of harm',
  'risk of exploitation',
  'domestic abuse',
  'looked after child',
  'mappa',
  'neglect',
  'multi-agency',
  'abuse',
];
export const COMMUNICATION_WORDS: readonly string[] = [
  'interpreter',
  'deaf',
  'hearing',
  'sign language',
  'bsl',
  'communication',
  'learning disab',
  'autis',
  'blind',
  'visual impair',
  'non-verbal',
  'dementia',
];
export const SPO2_TARGET_WORDS: readonly string[] = [
  'spo2',
  'oxygen saturation',
  'saturation target',
  'target sat',
];
