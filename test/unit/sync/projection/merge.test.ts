// One person in two ICBs' records: one person, two sources, items attributed, identical items shown once.
import { describe, expect, it } from 'vitest';
import { mergeSummaries, ProjectionError } from '../../../../sync/projection';
import {
  allergy,
  condition,
  flag,
  medicationStatement,
  NORTH,
  patient,
  snomed,
  SOUTH,
} from '../../../fixtures/fhir/patient-record';
import { project } from '../../../fixtures/fhir/project';

describe('mergeSummaries', () => {
  const north = project(
    [
      patient('n1'),
      allergy('a1', { patient: { reference: 'Patient/n1' } }),
      condition('c1', { subject: { reference: 'Patient/n1' } }),
    ],
    NORTH,
  );
  const south = project(
    [
      patient('s9', {
        meta: {
          lastUpdated: '2025-05-20T00:00:00Z',
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      }),
      allergy('x7', { patient: { reference: 'Patient/s9' } }),
      medicationStatement('m3', { subject: { reference: 'Patient/s9' } }),
      flag('f1', 'Violent towards staff', { subject: { reference: 'Patient/s9' } }),
    ],
    SOUTH,
  );

  it('keeps both sources and shows an identical allergy once with both attributions', () => {
    const merged = mergeSummaries([north, south]);
    expect(merged.nhsNumber).toBe('9434765919');
    expect(merged.sources.map((source) => source.icb.odsCode)).toEqual(['QHM', 'QRL']);
    expect(merged.allergies.items).toHaveLength(1);
    expect(merged.allergies.items[0]?.sources.map((source) => `${source.icb}/${source.id}`)).toEqual([
      'QHM/a1',
      'QRL/x7',
    ]);
  });

  it('keeps items found in only one source, attributed to it', () => {
    const merged = mergeSummaries([north, south]);
    expect(merged.problems.map((item) => item.sources.map((source) => source.icb))).toEqual([['QHM']]);
    expect(merged.medications.map((item) => item.source.icb)).toEqual(['QRL']);
    expect(merged.alerts.map((item) => [item.kind, item.source.icb])).toEqual([
      ['violence-risk', 'QRL'],
      ['restricted-record', 'QRL'],
    ]);
  });

  it('is restricted when any source is, and takes demographics from the most recently updated source', () => {
    const merged = mergeSummaries([north, south]);
    expect(merged.restricted).toBe(true);
    expect(merged.demographics.restricted).toBe(true);
    expect(merged.demographicsBySource).toHaveLength(2);
  });

  it('keeps two different allergies from two sources apart', () => {
    const other = project(
      [
        patient('s9'),
        allergy('x8', { patient: { reference: 'Patient/s9' }, code: snomed('387207008', 'Ibuprofen') }),
      ],
      SOUTH,
    );
    expect(
      mergeSummaries([north, other])
        .allergies.items.map((item) => item.display)
        .sort(),
    ).toEqual(['Ibuprofen', 'Penicillin']);
  });

  it('refuses to merge different people, or nothing', () => {
    const someoneElse = project(
      [patient('z', { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9876543210' }] })],
      SOUTH,
    );
    expect(() => mergeSummaries([north, someoneElse])).toThrow(ProjectionError);
    expect(() => mergeSummaries([])).toThrow(ProjectionError);
  });
});
