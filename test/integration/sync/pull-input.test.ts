import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoWorld } from '../../../demo/demo-world';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { dumpIndexedDb } from '../../support/dump-indexeddb';
import { expectedCohort, makeEngine, openTestStore, startWorld } from './pull-harness';

const today = new Date().toISOString().slice(0, 10);

describe('pre-cache input validation and encryption at rest', () => {
  let world: DemoWorld;
  let proxy: FaultProxy;

  beforeAll(async () => {
    world = await startWorld(200);
    const north = world.profiles.crew.icbs.find((icb) => icb.odsCode === 'QT1');
    proxy = await startFaultProxy(north?.fhirBaseUrl ?? '');
  });

  afterAll(async () => {
    await proxy.close();
    await world.close();
  });

  it('quarantines each malformed resource with its reason and caches the rest of the area', async () => {
    const cohort = [...(expectedCohort(world, world.profiles.crew, today).get('QT1') ?? [])];
    const victim = cohort[0] ?? '';
    const bad = [
      {
        reason: /must be an object/,
        json: `{"resourceType":"AllergyIntolerance","id":"bad-structure","patient":{"reference":"Patient/${victim}"},"code":"penicillin"}`,
      },
      {
        reason: /not accepted/,
        json: `{"resourceType":"Basic","id":"wrong-type","subject":{"reference":"Patient/${victim}"}}`,
      },
      {
        reason: /malformed reference/,
        json: `{"resourceType":"Condition","id":"bad-reference","subject":{"reference":"Patient/../../etc/passwd"}}`,
      },
      {
        reason: /does not reference a Patient/,
        json: `{"resourceType":"Condition","id":"no-patient","subject":{"reference":"Group/abc"}}`,
      },
      {
        reason: /NHS number/,
        json: `{"resourceType":"Patient","id":"bad-nhs","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"}]}`,
      },
      {
        reason: /exceeds/,
        json: `{"resourceType":"Observation","id":"oversized","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/${victim}"},"note":[{"text":"${'x'.repeat(1_200_000)}"}]}`,
      },
      {
        reason: /forbidden key/,
        json: `{"resourceType":"Condition","id":"proto","subject":{"reference":"Patient/${victim}"},"__proto__":{"polluted":true}}`,
      },
    ];
    let injected = false;
    proxy.setPlan(({ method, url }) =>
      !injected && method === 'GET' && url.includes('_revinclude')
        ? {
            kind: 'rewrite',
            transform: (body) => {
              injected = true;
              const extra = bad.map((item) => `{"resource":${item.json}}`).join(',');
              return body.replace('"entry":[', `"entry":[${extra},`);
            },
          }
        : { kind: 'pass' },
    );
    const { store } = await openTestStore();
    const { engine, events } = makeEngine(world.profiles.crew, store, {
      forceChunkStrategy: 'revinclude',
      baseUrlFor: (icb) => (icb.odsCode === 'QT1' ? proxy.baseUrl : icb.fhirBaseUrl),
    });
    const outcome = await engine.run();
    expect(injected).toBe(true);
    expect(outcome.get('QT1')?.kind).toBe('completed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const quarantine = await store.quarantineList(100);
    for (const item of bad) {
      const id = /"id":"([^"]+)"/.exec(item.json)?.[1];
      const entry = quarantine.find(
        (candidate) =>
          candidate.resourceId === id || (id === 'proto' && /forbidden key/.test(candidate.reason)),
      );
      expect(entry, `quarantine entry for ${id ?? '?'}: ${JSON.stringify(quarantine)}`).toBeDefined();
      expect(entry?.reason).toMatch(item.reason);
    }
    expect(events.filter((event) => event.type === 'invalid-resource').length).toBeGreaterThanOrEqual(
      bad.length,
    );
    expect([...(await store.patientIdsFor('QT1'))].sort()).toEqual([...cohort].sort());
    const victimRecord = (await store.readRecords('QT1', [victim])).get(victim);
    expect(JSON.stringify(victimRecord?.raw)).not.toContain('bad-structure');
    store.close();
    proxy.setPlan(() => ({ kind: 'pass' }));
  });

  it('leaves no NHS number, name, date of birth or clinical term readable in IndexedDB', async () => {
    const { store, factory, name } = await openTestStore();
    await makeEngine(world.profiles.crew, store).engine.run();
    store.close();
    const everything = await dumpIndexedDb(factory, name);
    expect(everything.length).toBeGreaterThan(10_000);
    const patients = Object.values(world.population.records)
      .flat()
      .filter((resource): resource is Patient => resource.resourceType === 'Patient');
    const secrets = new Set<string>();
    for (const patient of patients) {
      for (const identifier of patient.identifier ?? []) if (identifier.value) secrets.add(identifier.value);
      if (patient.birthDate) secrets.add(patient.birthDate);
      for (const name of patient.name ?? [])
        if (name.family && name.family.length >= 5) secrets.add(name.family);
      for (const address of patient.address ?? []) if (address.postalCode) secrets.add(address.postalCode);
    }
    for (const term of [
      'Penicillin',
      'penicillin',
      'anaphylaxis',
      'Anaphylaxis',
      'DNACPR',
      'resuscitation',
      'Hypertension',
      'diabetes',
      'Safeguarding',
      'Amlodipine',
    ])
      secrets.add(term);
    const leaked = [...secrets].filter(
      (secret) => everything.includes(secret) || everything.includes(secret.toLowerCase()),
    );
    expect(leaked).toEqual([]);
  });
});
