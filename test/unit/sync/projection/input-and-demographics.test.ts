// The projection's input handling (Bundles, duplicates, other patients, errors) and demographics.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ProjectionError, projectSummary } from '../../../../sync/projection';
import {
  allergy,
  asDocumentBundle,
  condition,
  FETCHED_AT,
  meta,
  NORTH,
  patient,
  typicalRecord,
} from '../../../fixtures/fhir/patient-record';
import { project } from '../../../fixtures/fhir/project';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('projection input', () => {
  it('gives the same summary from an IPS document Bundle as from the same resources given plainly', () => {
    const plain = project(typicalRecord());
    const document = project([asDocumentBundle(typicalRecord())]);
    expect({ ...document, narratives: [] }).toEqual({ ...plain, narratives: [] });
    expect(document.narratives.map((item) => item.title)).toEqual(['Allergies']);
  });

  it('accepts searchset Bundles and counts a resource given twice once (newest lastUpdated wins)', () => {
    const older = condition('c1', { meta: meta('2024-01-01T00:00:00Z'), code: { text: 'Old wording' } });
    const newer = condition('c1', { meta: meta('2025-01-01T00:00:00Z'), code: { text: 'New wording' } });
    const searchset = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: older }, { resource: patient() }],
    };
    const summary = project([searchset, newer]);
    expect(summary.problems.map((item) => item.display)).toEqual(['New wording']);
    expect(summary.source.lastUpdated).toBe('2025-04-01T08:00:00Z');
  });

  it('throws ProjectionError when there is no Patient, and projects a Patient with nothing else', () => {
    expect(() => projectSummary({ icb: NORTH, resources: [condition('c1')], fetchedAt: FETCHED_AT })).toThrow(
      ProjectionError,
    );
    const summary = project([patient()]);
    expect(summary).toMatchObject({
      schemaVersion: 1,
      source: { patientId: 'p1', fetchedAt: FETCHED_AT },
      problems: [],
      medications: [],
      unreadable: [],
    });
    expect(summary.allergies.status).toBe('not-recorded');
  });

  it("never shows another patient's resources, and says they were left out", () => {
    const summary = project([
      patient(),
      allergy('theirs', { patient: { reference: 'Patient/someone-else' } }),
      allergy('ours', { patient: { reference: 'https://scr.example.nhs.uk/fhir/Patient/p1' } }),
    ]);
    expect(summary.allergies.items.map((item) => item.source.id)).toEqual(['ours']);
    expect(summary.unreadable).toEqual([
      {
        source: expect.objectContaining({ id: 'theirs' }) as unknown,
        reason: 'Refers to a different patient: not shown',
      },
    ]);
  });

  it('drops entered-in-error resources of any type', () => {
    const summary = project([
      {
        resourceType: 'Encounter',
        id: 'e1',
        status: 'entered-in-error',
        subject: { reference: 'Patient/p1' },
        class: { code: 'AMB' },
      },
    ]);
    expect(summary.encounters).toEqual([]);
  });

  it('leaves its input untouched (deeply frozen input projects without error)', () => {
    const resources = deepFreeze(typicalRecord());
    expect(() => project(resources)).not.toThrow();
  });

  it('reports a resource it cannot read instead of dropping it silently', () => {
    const summary = project([
      patient(),
      42,
      {
        resourceType: 'Condition',
        id: 'bad',
        clinicalStatus: { coding: [{ code: 'active' }] },
        code: { coding: 'not a list' },
      },
    ]);
    expect(summary.unreadable.map((item) => item.reason)).toContain('Not a FHIR resource');
  });
});

describe('demographics', () => {
  it('reads NHS number, names, birth date, address and telecom', () => {
    const { demographics } = project([patient()]);
    expect(demographics).toMatchObject({
      nhsNumber: '9434765919',
      names: [{ family: 'Smith', given: ['Jane', 'Ann'], text: 'Jane Ann Smith', use: 'official' }],
      birthDate: '1948-03-14',
      gender: 'female',
      addresses: [{ postcode: 'DH1 1AA', text: '1 High Street, Durham, DH1 1AA' }],
      telecom: [{ system: 'phone', value: '0191 000 0000', use: 'home' }],
      restricted: false,
    });
    expect(project([patient('p1', { deceasedDateTime: '2025-05-01' })]).demographics.deceased).toEqual({
      dateTime: '2025-05-01',
    });
  });

  it('marks a restricted record (v3-Confidentiality R or V), still projects it, and adds a notice', () => {
    const restricted = patient('p1', {
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    });
    const summary = project([restricted, allergy('a1')]);
    expect(summary.demographics.restricted).toBe(true);
    expect(summary.allergies.items).toHaveLength(1);
    expect(summary.alerts.map((alert) => alert.kind)).toEqual(['restricted-record']);
    const normal = patient('p1', {
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] },
    });
    expect(project([normal]).demographics.restricted).toBe(false);
  });

  it('reads UK Core and international codings alike (display, else text, else code)', () => {
    const international = condition('c1', {
      code: {
        coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }],
        text: 'Essential hypertension',
      },
    });
    const codeOnly = condition('c2', {
      code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
      onsetDateTime: '2010-01-01',
    });
    const resources: Resource[] = [patient(), international, codeOnly];
    expect(project(resources).problems.map((item) => item.display)).toEqual([
      'Essential hypertension',
      '38341003',
    ]);
  });
});
