// Property: arbitrary objects mixed with a valid Patient never make the projection throw, and every item
// in the output carries a source.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PatientSummary } from '../../../../sync/projection';
import { patient, typicalRecord } from '../../../fixtures/fhir/patient-record';
import { project } from '../../../fixtures/fhir/project';

const RESOURCE_TYPES = [
  'AllergyIntolerance',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Medication',
  'Observation',
  'Encounter',
  'Flag',
  'Consent',
  'DocumentReference',
  'CarePlan',
  'QuestionnaireResponse',
  'Goal',
  'Device',
  'DeviceUseStatement',
  'RelatedPerson',
  'Organization',
  'Composition',
  'Bundle',
  'Patient',
];

/** Objects shaped a little like resources: a known resourceType with arbitrary fields of any JSON type. */
const resourceLike = fc.record({
  resourceType: fc.constantFrom(...RESOURCE_TYPES),
  id: fc.option(fc.string(), { nil: undefined }),
  status: fc.oneof(fc.constantFrom('active', 'entered-in-error', 'current', 'final'), fc.jsonValue()),
  code: fc.jsonValue(),
  subject: fc.oneof(fc.constant({ reference: 'Patient/p1' }), fc.jsonValue()),
  patient: fc.jsonValue(),
  clinicalStatus: fc.jsonValue(),
  period: fc.jsonValue(),
  entry: fc.jsonValue(),
  meta: fc.jsonValue(),
  text: fc.jsonValue(),
});

function itemsWithoutSource(summary: PatientSummary): unknown[] {
  const lists: readonly (readonly { source?: unknown }[])[] = [
    summary.resuscitation,
    summary.allergies.items,
    summary.allergies.noKnownAllergies,
    summary.alerts,
    summary.plans,
    summary.medications,
    summary.problems,
    summary.carePlans,
    summary.baselineObservations,
    summary.encounters,
    summary.contacts,
    summary.narratives,
    summary.unreadable,
    summary.spo2Target === undefined ? [] : [summary.spo2Target],
    summary.registeredGp === undefined ? [] : [summary.registeredGp],
  ];
  return lists.flat().filter((item) => typeof item.source !== 'object' || item.source === null);
}

describe('projection properties', () => {
  it('never throws on arbitrary objects mixed with a valid Patient, and never outputs an item without a source', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(resourceLike, fc.anything()), { maxLength: 12 }),
        fc.boolean(),
        (junk, withRecord) => {
          const summary = project([patient(), ...(withRecord ? typicalRecord() : []), ...junk]);
          expect(itemsWithoutSource(summary)).toEqual([]);
          expect(summary.source.patientId).toBe('p1');
        },
      ),
      { numRuns: 300 },
    );
  });
});
