// Shared set-up for pre-cache integration tests: the demo world on 127.0.0.1, an encrypted store on
// fake-indexeddb, and a pull engine with one FHIR client per ICB (optionally through a fault proxy).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Resource } from '@medplum/fhirtypes';
import { startDemoWorld, type DemoWorld } from '../../../demo/demo-world';
import { FhirClient, type FhirClientOptions } from '../../../sync/fhir-client';
import type { IcbConfig, Profile } from '../../../sync/provisioning-profile';
import {
  cohortDecision,
  cohortRule,
  PullEngine,
  type PullEngineOptions,
  type PullEvent,
} from '../../../sync/pull';
import { PatientStore } from '../../../sync/store';

export const testKey = new Uint8Array(32).map((_, index) => (index * 7 + 3) & 0xff);

let storeCounter = 0;

export async function openTestStore(
  factory: IDBFactory = new IDBFactory(),
): Promise<{ store: PatientStore; factory: IDBFactory; name: string }> {
  const name = `kerbside-test-${process.pid}-${storeCounter++}`;
  const store = await PatientStore.open({ name, keyMaterial: testKey, indexedDB: factory, IDBKeyRange });
  return { store, factory, name };
}

export async function reopenStore(factory: IDBFactory, name: string): Promise<PatientStore> {
  return PatientStore.open({ name, keyMaterial: testKey, indexedDB: factory, IDBKeyRange });
}

export function startWorld(patients: number, history = true): Promise<DemoWorld> {
  return startDemoWorld({ patients, seed: 11, history });
}

export interface EngineSetup {
  readonly engine: PullEngine;
  readonly events: PullEvent[];
}

/** A pull engine for the crew profile; `baseUrlFor` redirects an ICB (e.g. through a fault proxy). */
export function makeEngine(
  profile: Profile,
  store: PatientStore,
  overrides: Partial<PullEngineOptions> & {
    readonly baseUrlFor?: (icb: IcbConfig) => string;
    readonly client?: Partial<FhirClientOptions>;
  } = {},
): EngineSetup {
  const events: PullEvent[] = [];
  const engine = new PullEngine({
    profile,
    store,
    remoteFor: (icb) =>
      new FhirClient({
        baseUrl: overrides.baseUrlFor?.(icb) ?? icb.fhirBaseUrl,
        auth: icb.auth,
        retry: { baseDelayMs: 5, maxDelayMs: 50 },
        ...overrides.client,
      }),
    onEvent: (event) => events.push(event),
    chunkSize: 100,
    pageSize: 200,
    retryDelayMs: 10,
    ...overrides,
  });
  return { engine, events };
}

/** The patient ids each ICB's server should give this profile's device, computed from the population. */
export function expectedCohort(world: DemoWorld, profile: Profile, today: string): Map<string, Set<string>> {
  const expected = new Map<string, Set<string>>();
  for (const { icb } of world.icbs) {
    const config = profile.icbs.find((candidate) => candidate.odsCode === icb.odsCode);
    if (config === undefined) continue;
    const organizations = world.population.records[icb.key].filter(
      (resource) =>
        resource.resourceType === 'Organization' &&
        resource.identifier?.some((identifier) => config.gpPractices.includes(identifier.value ?? '')),
    );
    const rule = cohortRule(
      config,
      profile.area.postcodeDistricts,
      organizations.map((organization) => organization.id ?? ''),
    );
    const ids = new Set<string>();
    for (const resource of world.population.records[icb.key]) {
      if (resource.resourceType === 'Patient' && cohortDecision(resource, rule, today).member)
        ids.add(resource.id ?? '');
    }
    expected.set(icb.odsCode, ids);
  }
  return expected;
}

/** A comparable dump of the whole store: per ICB, per patient, resources sorted and the summary sans timestamps. */
export async function dumpStore(
  store: PatientStore,
  icbs: readonly string[],
): Promise<Record<string, Record<string, unknown>>> {
  const dump: Record<string, Record<string, unknown>> = {};
  for (const icb of icbs) {
    const ids = [...(await store.patientIdsFor(icb))].sort();
    const records = await store.readRecords(icb, ids);
    const perPatient: Record<string, unknown> = {};
    for (const id of ids) {
      const record = records.get(id);
      const raw = ((record?.raw ?? []) as Resource[]).map((resource) => JSON.stringify(resource)).sort();
      perPatient[id] = {
        raw,
        summary: JSON.stringify(record?.summary, (key, value: unknown) =>
          key === 'fetchedAt' ? undefined : value,
        ),
      };
    }
    dump[icb] = perPatient;
  }
  return dump;
}
