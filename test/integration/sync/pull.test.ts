import type {
  AllergyIntolerance,
  Condition,
  MedicationStatement,
  Organization,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoWorld } from '../../../demo/demo-world';
import type { PatientStore } from '../../../sync/store';
import { dumpStore, expectedCohort, makeEngine, openTestStore, startWorld } from './pull-harness';
import { databaseOf } from '../../../sync/store/patient-store';
import { POSTINGS_META, segmentsToMerge } from '../../../sync/store/postings';
import type { PostingsState } from '../../../sync/store/postings';

const today = new Date().toISOString().slice(0, 10);

async function fhir<T = Resource>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

function organizationsOf(world: DemoWorld, key: 'north' | 'south' | 'west'): Organization[] {
  return world.population.records[key].filter(
    (resource): resource is Organization => resource.resourceType === 'Organization',
  );
}

async function countsByIcb(store: PatientStore, icbs: readonly string[]): Promise<Record<string, number>> {
  return Object.fromEntries(
    await Promise.all(icbs.map(async (icb) => [icb, (await store.patientIdsFor(icb)).size] as const)),
  );
}

describe.each([
  { history: true, label: 'with _history' },
  { history: false, label: 'without _history (lastUpdated + reconciliation)' },
])('area pre-cache of three ICBs $label', ({ history }) => {
  let world: DemoWorld;
  let store: PatientStore;
  const icbCodes = ['QT1', 'QJ2', 'QK1'];

  beforeAll(async () => {
    world = await startWorld(300, history);
    ({ store } = await openTestStore());
  });

  afterAll(async () => {
    store.close();
    await world.close();
  });

  it('caches exactly the area cohort of every ICB on the first run', async () => {
    // Chunks of 25 patients: more commits than one tier of postings segments holds, merged as the run ends.
    const { engine, events } = makeEngine(world.profiles.crew, store, { chunkSize: 25 });
    const outcome = await engine.run();
    for (const code of icbCodes)
      expect(outcome.get(code)?.kind, JSON.stringify(events.filter((e) => e.type === 'failed'))).toBe(
        'completed',
      );
    const expected = expectedCohort(world, world.profiles.crew, today);
    for (const code of icbCodes) {
      expect([...(await store.patientIdsFor(code))].sort()).toEqual([...(expected.get(code) ?? [])].sort());
    }
    expect(events.some((event) => event.type === 'progress' && event.patientsExpected !== undefined)).toBe(
      true,
    );
    const counts = await countsByIcb(store, icbCodes);
    expect(counts.QT1).toBeGreaterThan(0);
    expect(counts.QJ2).toBeGreaterThan(0);
    // The run ended by merging its commits' name postings: no full tier is left waiting.
    const postings = await databaseOf(store).meta.get(POSTINGS_META);
    const state = JSON.parse(new TextDecoder().decode(postings?.value)) as PostingsState;
    expect(segmentsToMerge(state)).toBeUndefined();
    expect(state.segments?.some(([, tier]) => tier > 0)).toBe(true);
  });

  it('reflects exactly the server changes on an incremental run', async () => {
    const north = world.icbs.find(({ icb }) => icb.key === 'north');
    if (north === undefined) throw new Error('no north ICB');
    const base = north.server.baseUrl;
    const cached = [...(await store.patientIdsFor('QT1'))].sort();
    const records = await store.readRecords('QT1', cached);
    const withResource = (type: string): string => {
      const id = cached.find((patientId) =>
        ((records.get(patientId)?.raw ?? []) as Resource[]).some(
          (resource) => resource.resourceType === type,
        ),
      );
      if (id === undefined) throw new Error(`no cached patient has a ${type}`);
      return id;
    };
    // 1. A new allergy.
    const allergyPatient = cached[0] ?? '';
    const allergy = await fhir<AllergyIntolerance>('POST', `${base}/AllergyIntolerance`, {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: 'confirmed',
          },
        ],
      },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '300916003', display: 'Latex allergy' }] },
      patient: { reference: `Patient/${allergyPatient}` },
    });
    // 2. An updated medication.
    const medicationPatient = withResource('MedicationStatement');
    const medication = ((records.get(medicationPatient)?.raw ?? []) as Resource[]).find(
      (resource): resource is MedicationStatement => resource.resourceType === 'MedicationStatement',
    );
    if (medication === undefined) throw new Error('no medication');
    await fhir('PUT', `${base}/MedicationStatement/${medication.id ?? ''}`, {
      ...medication,
      meta: undefined,
      dosage: [{ text: 'CHANGED: 10 mg twice a day' }],
    });
    // 3. A deleted condition.
    const conditionPatient = withResource('Condition');
    const condition = ((records.get(conditionPatient)?.raw ?? []) as Resource[]).find(
      (resource): resource is Condition => resource.resourceType === 'Condition',
    );
    if (condition === undefined) throw new Error('no condition');
    await fhir('DELETE', `${base}/Condition/${condition.id ?? ''}`);
    // 4. A patient who moves out of the area (and registers with a practice outside it).
    const movers = cached.filter((id) => ![allergyPatient, medicationPatient, conditionPatient].includes(id));
    const moverId = movers[0] ?? '';
    const mover = await fhir<Patient>('GET', `${base}/Patient/${moverId}`);
    const westPractice = organizationsOf(world, 'north').find((organization) =>
      organization.identifier?.some((identifier) => (identifier.value ?? '').startsWith('C82')),
    );
    await fhir('PUT', `${base}/Patient/${moverId}`, {
      ...mover,
      meta: undefined,
      address: [{ use: 'home', line: ['1 Elsewhere Road'], city: 'Leicester', postalCode: 'LE2 1AA' }],
      generalPractitioner: westPractice ? [{ reference: `Organization/${westPractice.id ?? ''}` }] : [],
    });
    // 5. A patient who has died.
    const deceasedId = movers[1] ?? '';
    const deceased = await fhir<Patient>('GET', `${base}/Patient/${deceasedId}`);
    await fhir('PUT', `${base}/Patient/${deceasedId}`, {
      ...deceased,
      meta: undefined,
      deceasedDateTime: '2026-11-20T08:00:00Z',
    });

    const { engine } = makeEngine(world.profiles.crew, store, {
      reconcileEveryMs: history ? 24 * 3600_000 : 0,
    });
    const outcome = await engine.run();
    expect(outcome.get('QT1')?.kind).toBe('completed');

    const after = await store.readRecords('QT1', [
      allergyPatient,
      medicationPatient,
      conditionPatient,
      moverId,
      deceasedId,
    ]);
    const raw = (id: string): Resource[] => (after.get(id)?.raw ?? []) as Resource[];
    expect(raw(allergyPatient).some((resource) => resource.id === allergy.id)).toBe(true);
    expect(
      JSON.stringify(raw(medicationPatient).find((resource) => resource.id === medication.id)),
    ).toContain('CHANGED: 10 mg twice a day');
    expect(raw(conditionPatient).some((resource) => resource.id === condition.id)).toBe(false);
    expect(after.has(moverId)).toBe(false);
    expect(after.has(deceasedId)).toBe(false);
    const allIds = await store.patientIdsFor('QT1');
    expect(allIds.size).toBe(cached.length - 2);
  });

  it('gives the same store as a fresh full run after the changes', async () => {
    const { store: fresh } = await openTestStore();
    try {
      const { engine } = makeEngine(world.profiles.crew, fresh);
      await engine.run();
      expect(await dumpStore(store, icbCodes)).toEqual(await dumpStore(fresh, icbCodes));
    } finally {
      fresh.close();
    }
  });
});
