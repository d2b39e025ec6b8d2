// Converts a finalised note into one FHIR R4 transaction Bundle whose every entry is idempotent: creates carry
// `ifNoneExist` on the device-generated identifier, amendments are conditional updates with `If-Match`.
import type {
  Bundle,
  BundleEntry,
  Encounter,
  Identifier,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../nhs-number';
import type { EncounterNote } from './encounter-note';
import { atmistText, narrativeDiv, outcomeText } from './handover-text';
import type { Route } from './routing';
import { LOINC, SNOMED, vitalSigns } from './vital-signs';

/** The identifier system of every resource Kerbside creates; values are generated on the device. */
export const NOTE_ITEM_SYSTEM = 'https://kerbside.example/Id/note-item';
/** Tags each resource with the note version that wrote it, so a replayed amendment can be recognised. */
export const NOTE_VERSION_SYSTEM = 'https://kerbside.example/CodeSystem/note-version';
export const INCIDENT_SYSTEM = 'https://kerbside.example/Id/cad-incident';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** Where the server stored one item: from a transaction-response, kept for amendments. */
export interface ServerRecord {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId?: string;
}
/** Server records by identifier value. */
export type ServerReceipt = Readonly<Record<string, ServerRecord>>;

export interface TransactionContext {
  readonly trust: { readonly odsCode: string; readonly name: string };
  readonly route: Route;
  /** What the server returned for the previous version of this note; absent for the first version. */
  readonly previous?: ServerReceipt;
  readonly newUuid?: () => string;
}

/** One entry's identity, in the order of the Bundle's entries (and of the transaction-response). */
export interface TransactionItem {
  readonly resourceType: string;
  readonly identifier: string;
}

export interface NoteTransaction {
  readonly bundle: Bundle;
  readonly items: readonly TransactionItem[];
}

/** The `ifNoneExist` / conditional-update search for an item: `identifier=<system>|<value>`. */
export function identifierQuery(value: string): string {
  return `identifier=${NOTE_ITEM_SYSTEM}|${value}`;
}

function subjectOf(note: EncounterNote, route: Route): Reference<Patient> {
  const { patient } = note;
  if (patient.kind === 'known') {
    const identifier: Identifier = { system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber };
    // A literal reference only means something on the server that holds that Patient.
    return route.rule === 'summary-source'
      ? { reference: `Patient/${patient.patientId}`, identifier }
      : { identifier };
  }
  const identifier =
    patient.nhsNumber === undefined
      ? {}
      : { identifier: { system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber } };
  return {
    ...identifier,
    display: `Unidentified patient${patient.demographics.name === undefined ? '' : `: ${patient.demographics.name}`}`,
  };
}

const text = (value: string) => ({ text: value });

/**
 * Builds the transaction for one finalised note. Every entry has an identifier in `NOTE_ITEM_SYSTEM`. Items
 * the server already holds (in `previous`) become `PUT Type?identifier=…` with `If-Match`; others are
 * `POST` with `ifNoneExist`, so a replay after a lost response (even of a partly applied transaction)
 * creates nothing twice.
 * @see https://hl7.org/fhir/R4/http.html#transaction
 * @see https://hl7.org/fhir/R4/http.html#ccreate
 * @see https://hl7.org/fhir/R4/http.html#cond-update
 */
export function toTransaction(note: EncounterNote, context: TransactionContext): NoteTransaction {
  if (note.status !== 'final') throw new TypeError(`Note ${note.id} is a draft: only final notes are sent`);
  const newUuid = context.newUuid ?? (() => crypto.randomUUID());
  const previous = context.previous ?? {};
  const entries: BundleEntry[] = [];
  const items: TransactionItem[] = [];
  const fullUrls = new Map<string, string>();
  const fullUrlOf = (value: string): string => {
    let url = fullUrls.get(value);
    if (url === undefined) {
      const known = previous[value];
      url = known === undefined ? `urn:uuid:${newUuid()}` : `${known.resourceType}/${known.id}`;
      fullUrls.set(value, url);
    }
    return url;
  };
  const tag = { system: NOTE_VERSION_SYSTEM, code: String(note.version) };
  const add = (value: string, resource: Resource): void => {
    const withIdentity = {
      ...resource,
      meta: { ...resource.meta, tag: [tag] },
      // Composition.identifier is 0..1 in R4; the other resources written here take a list.
      identifier:
        resource.resourceType === 'Composition'
          ? { system: NOTE_ITEM_SYSTEM, value }
          : [
              { system: NOTE_ITEM_SYSTEM, value },
              ...('identifier' in resource && Array.isArray(resource.identifier) ? resource.identifier : []),
            ],
    } as Resource;
    const known = previous[value];
    const url = `${resource.resourceType}?${identifierQuery(value)}`;
    const fullUrl = fullUrlOf(value);
    if (known === undefined) {
      entries.push({
        fullUrl,
        resource: withIdentity,
        request: { method: 'POST', url: resource.resourceType, ifNoneExist: identifierQuery(value) },
      });
    } else {
      entries.push({
        fullUrl,
        resource: withIdentity,
        request: {
          method: 'PUT',
          url,
          ...(known.versionId === undefined ? {} : { ifMatch: `W/"${known.versionId}"` }),
        },
      });
    }
    items.push({ resourceType: resource.resourceType, identifier: value });
  };

  const subject = subjectOf(note, context.route);
  const encounter: Reference<Encounter> = { reference: fullUrlOf(note.id) };
  const trust: Reference<Organization> = {
    identifier: { system: ODS_SYSTEM, value: context.trust.odsCode },
    display: context.trust.name,
  };
  const { outcome } = note;
  add(note.id, {
    resourceType: 'Encounter',
    identifier: [{ system: INCIDENT_SYSTEM, value: note.incidentNumber }],
    status: 'finished',
    class: { system: ACT_CODE, code: 'EMER', display: 'emergency' },
    type: [
      {
        coding: [{ system: SNOMED, code: '409971007', display: 'Emergency medical services' }],
        text: 'Ambulance attendance',
      },
    ],
    subject,
    period: {
      start: note.times.arrival ?? note.times.call,
      ...(note.times.departure === undefined ? {} : { end: note.times.departure }),
    },
    reasonCode: [text(note.presentingComplaint)],
    serviceProvider: trust,
    ...(outcome === undefined
      ? {}
      : {
          hospitalization: {
            dischargeDisposition: text(outcomeText(outcome)),
            ...(outcome.kind === 'conveyed'
              ? {
                  destination: {
                    display: outcome.destination.name,
                    ...(outcome.destination.odsCode === undefined
                      ? {}
                      : { identifier: { system: ODS_SYSTEM, value: outcome.destination.odsCode } }),
                  },
                }
              : {}),
          },
        }),
  });
  for (const set of note.observations) {
    for (const vital of vitalSigns(set)) {
      add(`${set.id}:${vital.key}`, {
        ...vital.resource,
        status: 'final',
        subject,
        encounter,
        effectiveDateTime: set.time,
      });
    }
  }
  const { impression } = note;
  if (impression !== undefined)
    add(impression.id, {
      resourceType: 'Condition',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'provisional' },
        ],
      },
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/condition-category',
              code: 'encounter-diagnosis',
              display: 'Encounter Diagnosis',
            },
          ],
        },
      ],
      code: {
        ...(impression.snomedCode === undefined
          ? {}
          : { coding: [{ system: SNOMED, code: impression.snomedCode }] }),
        text: impression.text,
      },
      subject,
      encounter,
      recordedDate: note.times.departure ?? note.times.arrival ?? note.times.call,
    });
  for (const item of note.treatments) {
    if (item.kind === 'drug')
      add(item.id, {
        resourceType: 'MedicationAdministration',
        status: 'completed',
        medicationCodeableConcept: {
          ...(item.code === undefined ? {} : { coding: [{ system: 'https://dmd.nhs.uk', code: item.code }] }),
          text: item.name,
        },
        subject,
        context: encounter,
        effectiveDateTime: item.time,
        dosage: {
          ...(item.route === undefined ? {} : { route: text(item.route) }),
          ...(item.dose === undefined ? {} : { dose: { value: item.dose.value, unit: item.dose.unit } }),
        },
      });
    else
      add(item.id, {
        resourceType: 'Procedure',
        status: 'completed',
        code: {
          ...(item.code === undefined ? {} : { coding: [{ system: SNOMED, code: item.code }] }),
          text: item.name,
        },
        subject,
        encounter,
        performedDateTime: item.time,
      });
  }
  const handover = atmistText(note);
  const sections = [
    { title: 'Handover (ATMIST)', text: { status: 'generated' as const, div: narrativeDiv(handover) } },
  ];
  if (note.freeText.trim() !== '')
    sections.push({
      title: 'Clinical notes',
      text: { status: 'generated' as const, div: narrativeDiv(note.freeText) },
    });
  add(`${note.id}:composition`, {
    resourceType: 'Composition',
    status: note.version > 1 ? 'amended' : 'final',
    type: {
      coding: [{ system: SNOMED, code: '371531000', display: 'Report of clinical encounter' }],
      text: 'Ambulance patient care record',
    },
    category: [{ coding: [{ system: LOINC, code: '34133-9', display: 'Summary of episode note' }] }],
    subject,
    encounter,
    date: note.times.departure ?? note.times.arrival ?? note.times.call,
    author: [{ ...trust, display: `${context.trust.name}, ${note.callsign}` }],
    title: `Ambulance attendance ${note.incidentNumber} (${note.callsign}), version ${note.version}`,
    section: sections,
  });
  return { bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries }, items };
}
