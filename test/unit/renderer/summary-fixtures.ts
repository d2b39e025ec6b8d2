// Realistic merged patient summaries for renderer tests, built through the real projection (projectSummary,
// mergeSummaries) from typed FHIR fixtures: a two-ICB record with every section populated.
import type {
  CarePlan,
  Consent,
  Device,
  DeviceUseStatement,
  DocumentReference,
  Goal,
  Resource,
} from '@medplum/fhirtypes';
import type { MergedSummary, SourceIcb } from '../../../sync/projection';
import { mergeSummaries, projectSummary } from '../../../sync/projection';
import type { IcbFreshness } from '../../../renderer/src/summary/summary-view';
import {
  allergy,
  asDocumentBundle,
  bloodPressure,
  condition,
  DMD,
  encounter,
  flag,
  medicationStatement,
  organisation,
  patient,
  snomed,
  vital,
} from '../../fixtures/fhir/patient-record';

export const TRENTSIDE: SourceIcb = { odsCode: 'QT1', name: 'Trentside ICB' };
export const NORTHFIELD: SourceIcb = { odsCode: 'QN2', name: 'Northfield ICB' };
/** The instant the demo is viewed: 3 days after the items were last updated, 5 h after the last sync. */
export const DEMO_NOW = new Date('2025-06-04T12:00:00Z');
export const DEMO_UPDATED = '2025-06-01T12:00:00Z';
export const DEMO_SYNCED = '2025-06-04T07:00:00Z';
export const DEMO_RETENTION_DAYS = 7;

const updated = { lastUpdated: DEMO_UPDATED };

export function dnacprConsent(id = 'k1', dateTime = '2024-02-01'): Consent {
  return {
    resourceType: 'Consent',
    id,
    meta: updated,
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'adr' }] },
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentcategorycodes', code: 'dnr' }] },
    ],
    patient: { reference: 'Patient/p1' },
    dateTime,
    organization: [{ display: 'County Durham Hospice' }],
    provision: {
      type: 'permit',
      code: [snomed('450476008', 'Not for attempted cardiopulmonary resuscitation')],
    },
  };
}

export function respectForm(id = 'd1'): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: updated,
    status: 'current',
    type: snomed('1382601000000107', 'ReSPECT form'),
    subject: { reference: 'Patient/p1' },
    date: '2024-06-01T10:00:00Z',
    custodian: { display: 'The Dense Surgery' },
    content: [{ attachment: { title: 'ReSPECT form', contentType: 'application/pdf' } }],
  };
}

export function crisisPlan(id = 'mh1'): CarePlan {
  return {
    resourceType: 'CarePlan',
    id,
    meta: updated,
    status: 'active',
    intent: 'plan',
    subject: { reference: 'Patient/p1' },
    category: [snomed('736253002', 'Mental health crisis plan')],
    created: '2025-01-10',
    author: { display: 'Trentside Crisis Team' },
  };
}

export function diabetesCarePlan(id = 'cp1'): CarePlan {
  return {
    ...crisisPlan(id),
    category: [snomed('734163000', 'Care plan')],
    title: 'Diabetes care plan',
    author: { display: 'Dr A Jones' },
  };
}

export function spo2Goal(id = 'g1'): Goal {
  return {
    resourceType: 'Goal',
    id,
    meta: updated,
    lifecycleStatus: 'active',
    subject: { reference: 'Patient/p1' },
    description: { text: 'Target oxygen saturation' },
    startDate: '2024-01-01',
    target: [
      {
        measure: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] },
        detailRange: { low: { value: 88, unit: '%' }, high: { value: 92, unit: '%' } },
      },
    ],
  };
}

export function pacemaker(): [Device, DeviceUseStatement] {
  return [
    {
      resourceType: 'Device',
      id: 'dev1',
      meta: updated,
      status: 'active',
      patient: { reference: 'Patient/p1' },
      type: snomed('14106009', 'Cardiac pacemaker'),
    },
    {
      resourceType: 'DeviceUseStatement',
      id: 'dus1',
      meta: updated,
      status: 'active',
      subject: { reference: 'Patient/p1' },
      device: { reference: 'Device/dev1' },
    },
  ];
}

/** The penicillin anaphylaxis both ICBs record: merged into one item with two sources. */
export function penicillinAllergy(id: string): Resource {
  return allergy(id, {
    meta: updated,
    criticality: 'high',
    reaction: [{ manifestation: [snomed('39579001', 'Anaphylaxis')], severity: 'severe' }],
  });
}

function trentsideRecord(): Resource[] {
  return [
    patient('p1', { meta: updated }),
    organisation(),
    dnacprConsent(),
    respectForm(),
    penicillinAllergy('a1'),
    flag('f1', 'Violent and aggressive behaviour towards staff', { meta: updated }),
    flag('f2', 'Hearing impaired: needs BSL interpreter', { meta: updated }),
    ...pacemaker(),
    crisisPlan(),
    diabetesCarePlan(),
    medicationStatement('m1', { meta: updated }),
    medicationStatement('m2', {
      meta: updated,
      medicationCodeableConcept: {
        coding: [{ system: DMD, code: '42206511000001102', display: 'Apixaban 5mg tablets' }],
      },
      dosage: [{ text: 'One tablet twice a day' }],
    }),
    medicationStatement('m3', {
      meta: updated,
      medicationCodeableConcept: { text: 'Insulin glargine 100 units/ml pen' },
      dosage: [{ text: '20 units at night' }],
    }),
    condition('c1', { meta: updated }),
    condition('c2', { meta: updated, code: snomed('44054006', 'Type 2 diabetes mellitus') }),
    bloodPressure('o1', 142, 88, '2025-03-01T10:00:00Z'),
    vital('o2', '8867-4', 'Heart rate', 78, '/min', '2025-03-01T10:00:00Z'),
    spo2Goal(),
    encounter('e1', '2025-03-01T10:00:00Z'),
    // Another patient's allergy in this patient's record: the projection refuses it as unreadable.
    allergy('x1', { meta: updated, patient: { reference: 'Patient/someone-else' } }),
  ];
}

function northfieldRecord(): Resource[] {
  return [
    patient('p1', { meta: { lastUpdated: '2025-05-01T09:00:00Z' } }),
    penicillinAllergy('n-a1'),
    flag('nf1', 'Safeguarding concern: vulnerable adult', { meta: { lastUpdated: '2025-05-01T09:00:00Z' } }),
    encounter('ne1', '2025-01-15T14:00:00Z', 'Emergency department attendance'),
  ];
}

/** Projects and merges records, each `[icb, resources]`, fetched at DEMO_SYNCED and judged at DEMO_NOW. */
export function mergedFrom(records: readonly (readonly [SourceIcb, readonly unknown[]])[]): MergedSummary {
  return mergeSummaries(
    records.map(([icb, resources]) =>
      projectSummary({ icb, resources, fetchedAt: DEMO_SYNCED, now: DEMO_NOW.toISOString() }),
    ),
  );
}

/** A single-ICB summary (Trentside) from the resources given, adding Patient p1 unless one is present. */
export function trentsideSummary(resources: readonly Resource[]): MergedSummary {
  const hasPatient = resources.some((resource) => resource.resourceType === 'Patient');
  return mergedFrom([[TRENTSIDE, hasPatient ? resources : [patient('p1', { meta: updated }), ...resources]]]);
}

/**
 * One person known to two ICBs, every section populated: DNACPR and ReSPECT, a penicillin anaphylaxis both
 * ICBs record, violence/communication/safeguarding alerts and a pacemaker, a crisis plan, an anticoagulant
 * and insulin, SpO2 scale 2, contacts (next of kin first), a GP, a narrative and an unreadable resource.
 */
export function demoMergedSummary(): MergedSummary {
  return mergedFrom([
    [TRENTSIDE, [asDocumentBundle(trentsideRecord())]],
    [NORTHFIELD, northfieldRecord()],
  ]);
}

/** Both demo ICBs synced `DEMO_SYNCED` (5 h before DEMO_NOW) unless given otherwise. */
export function demoFreshness(
  lastSyncedAt: Partial<Record<string, string | undefined>> = {},
): readonly IcbFreshness[] {
  return [TRENTSIDE, NORTHFIELD].map((icb) => {
    const synced = icb.odsCode in lastSyncedAt ? lastSyncedAt[icb.odsCode] : DEMO_SYNCED;
    return synced === undefined ? { ...icb } : { ...icb, lastSyncedAt: synced };
  });
}
