import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoWorld } from '../../../demo/demo-world';
import { expectedCohort, makeEngine, openTestStore, startWorld } from './pull-harness';

const day = 24 * 60 * 60 * 1000;

describe('pre-cache retention and re-provisioning purges', () => {
  let world: DemoWorld;

  beforeAll(async () => {
    world = await startWorld(150);
  });

  afterAll(async () => {
    await world.close();
  });

  it('keeps summaries within the retention window and purges every ICB whose last sync is older', async () => {
    const { store } = await openTestStore();
    await makeEngine(world.profiles.crew, store).engine.run();
    const before = await store.counts();
    expect(before.patients).toBeGreaterThan(0);

    const withinWindow = makeEngine(world.profiles.crew, store, {
      now: () => new Date(Date.now() + 6 * day),
    });
    expect(await withinWindow.engine.purgeExpired()).toEqual([]);
    expect((await store.counts()).patients).toBe(before.patients);

    const pastWindow = makeEngine(world.profiles.crew, store, { now: () => new Date(Date.now() + 8 * day) });
    expect((await pastWindow.engine.purgeExpired()).sort()).toEqual(['QJ2', 'QK1', 'QT1']);
    expect(await store.counts()).toMatchObject({ patients: 0 });
    for (const icb of ['QT1', 'QJ2', 'QK1']) expect(await store.readCheckpoint(icb)).toBeUndefined();
    store.close();
  });

  it('purges patients outside a new area after re-provisioning, and the next pull re-lists exactly the new cohort', async () => {
    const { store } = await openTestStore();
    await makeEngine(world.profiles.crew, store).engine.run();
    const derbyOnly = {
      ...world.profiles.crew,
      area: { name: 'Derwent Valley', postcodeDistricts: ['DE1', 'DE3', 'DE21', 'DE22', 'DE23', 'DE24'] },
      icbs: world.profiles.crew.icbs.map((icb) => ({
        ...icb,
        gpPractices: icb.odsCode === 'QJ2' ? icb.gpPractices : [],
      })),
    };
    const purged = await store.purgeOutsideArea(derbyOnly.area.postcodeDistricts);
    expect(purged).toBeGreaterThan(0);
    for (const icb of ['QT1', 'QJ2', 'QK1']) {
      const records = await store.readRecords(icb, [...(await store.patientIdsFor(icb))]);
      for (const record of records.values()) {
        const patient = record.raw.find(
          (resource) => (resource as { resourceType?: string }).resourceType === 'Patient',
        );
        expect(JSON.stringify(patient)).toMatch(/"DE\d+ /);
      }
    }
    // The checkpoints were made for the old area: the next pull lists the new cohort again.
    const { engine, events } = makeEngine(derbyOnly, store);
    const outcome = await engine.run();
    expect([...outcome.values()].map((result) => result.kind)).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(events.filter((event) => event.type === 'started' && event.phase === 'reconcile')).toHaveLength(3);
    const expected = expectedCohort(world, derbyOnly, new Date().toISOString().slice(0, 10));
    for (const icb of ['QT1', 'QJ2', 'QK1']) {
      expect([...(await store.patientIdsFor(icb))].sort()).toEqual([...(expected.get(icb) ?? [])].sort());
    }
    store.close();
  });
});
