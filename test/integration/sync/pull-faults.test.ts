import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoWorld } from '../../../demo/demo-world';
import type { IcbConfig } from '../../../sync/provisioning-profile';
import { seededRandom, startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { dumpStore, makeEngine, openTestStore, startWorld } from './pull-harness';

const icbCodes = ['QT1', 'QJ2', 'QK1'];

describe('pre-cache under network faults', () => {
  let world: DemoWorld;
  let proxies: Map<string, FaultProxy>;
  let reference: Awaited<ReturnType<typeof dumpStore>>;

  beforeAll(async () => {
    world = await startWorld(200);
    proxies = new Map();
    for (const icb of world.profiles.crew.icbs)
      proxies.set(icb.odsCode, await startFaultProxy(icb.fhirBaseUrl));
    const { store } = await openTestStore();
    await makeEngine(world.profiles.crew, store).engine.run();
    reference = await dumpStore(store, icbCodes);
    store.close();
  });

  afterAll(async () => {
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    await world.close();
  });

  const viaProxy = (icb: IcbConfig): string => proxies.get(icb.odsCode)?.baseUrl ?? icb.fhirBaseUrl;

  it('finishes with the same store through 429s with Retry-After, 503 storms, dropped connections and slow answers', async () => {
    const random = seededRandom(7);
    for (const proxy of proxies.values()) {
      proxy.setPlan(({ index }) => {
        if (index === 0) return { kind: 'pass' };
        const roll = random();
        if (roll < 0.08) return { kind: 'status', status: 429, retryAfter: '0' };
        if (roll < 0.2) return { kind: 'status', status: 503 };
        if (roll < 0.28) return { kind: 'drop-mid-body' };
        if (roll < 0.32) return { kind: 'drop-before-response' };
        if (roll < 0.4) return { kind: 'delay', ms: 150 };
        return { kind: 'pass' };
      });
    }
    const { store } = await openTestStore();
    const { engine, events } = makeEngine(world.profiles.crew, store, {
      baseUrlFor: viaProxy,
      maxAttempts: 6,
    });
    const outcome = await engine.run();
    for (const code of icbCodes)
      expect(
        outcome.get(code)?.kind,
        JSON.stringify(events.filter((e) => e.type !== 'progress').slice(-5)),
      ).toBe('completed');
    expect(await dumpStore(store, icbCodes)).toEqual(reference);
    const injected = [...proxies.values()]
      .flatMap((proxy) => proxy.requests)
      .filter((request) => request.fault !== 'pass');
    expect(injected.length).toBeGreaterThan(10);
    store.close();
    for (const proxy of proxies.values()) proxy.setPlan(() => ({ kind: 'pass' }));
  });

  it('reports a server that stays unreachable as offline and keeps what was cached', async () => {
    const { store } = await openTestStore(new IDBFactory());
    await makeEngine(world.profiles.crew, store).engine.run();
    const before = await dumpStore(store, icbCodes);
    const north = proxies.get('QT1');
    north?.setOffline(true);
    const { engine, events } = makeEngine(world.profiles.crew, store, {
      baseUrlFor: viaProxy,
      maxAttempts: 2,
    });
    const outcome = await engine.run();
    north?.setOffline(false);
    expect(outcome.get('QT1')?.kind).toBe('offline');
    expect(events.some((event) => event.type === 'offline' && event.icb === 'QT1')).toBe(true);
    expect(outcome.get('QJ2')?.kind).toBe('completed');
    expect(await dumpStore(store, icbCodes)).toEqual(before);
    store.close();
  });

  it('refuses a 30 MB page cleanly, without corrupting the store', async () => {
    const { store } = await openTestStore();
    await makeEngine(world.profiles.crew, store).engine.run();
    const before = await dumpStore(store, icbCodes);
    const north = proxies.get('QT1');
    const huge = `{"resourceType":"Bundle","type":"searchset","entry":[${'{"resource":{"resourceType":"Basic","id":"x"}},'.repeat(700_000)}{}]}`;
    north?.setPlan(({ index }) =>
      index === 0
        ? { kind: 'pass' }
        : { kind: 'body', status: 200, contentType: 'application/fhir+json', body: huge },
    );
    const { engine, events } = makeEngine(world.profiles.crew, store, {
      baseUrlFor: viaProxy,
      maxAttempts: 1,
    });
    const outcome = await engine.run();
    north?.setPlan(() => ({ kind: 'pass' }));
    expect(huge.length).toBeGreaterThan(30 * 1024 * 1024);
    expect(outcome.get('QT1')?.kind).toBe('failed');
    expect(events.find((event) => event.type === 'failed' && event.icb === 'QT1')).toMatchObject({
      message: expect.stringMatching(/too large|exceeds|limit/i) as unknown,
    });
    expect(await dumpStore(store, icbCodes)).toEqual(before);
    store.close();
  });
});
