// The crew's pre-arrival inbox against the demo dispatch and ICB servers over HTTP on 127.0.0.1: requests
// arrive, are acknowledged and accepted on the server, carry the patient's records from every ICB that holds
// them, survive being offline, go when cancelled or expired, and are sealed at rest.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPatient, readTask, sendPreArrival, updateTask } from '../../../demo/dispatch';
import type { DemoWorld } from '../../../demo/demo-world';
import { FhirClient } from '../../../sync/fhir-client';
import { NHS_NUMBER_SYSTEM } from '../../../sync/nhs-number';
import {
  PreArrivalInbox,
  PreArrivalKeyError,
  PreArrivalStore,
  preArrivalTask,
  type NewPreArrival,
} from '../../../sync/prearrival';
import { summaryOfStored } from '../../../sync/pull';
import { dumpIndexedDb } from '../../support/dump-indexeddb';
import { expectedCohort, startWorld, testKey } from './pull-harness';

const CALLSIGN = 'EM-A123';
let world: DemoWorld;
let counter = 0;

beforeAll(async () => {
  world = await startWorld(300);
}, 60_000);

afterAll(async () => {
  await world.close();
});

async function openInbox(options: { dispatchUrl?: string; factory?: IDBFactory; name?: string } = {}) {
  const factory = options.factory ?? new IDBFactory();
  const name = options.name ?? `prearrivals-${counter++}`;
  const store = await PreArrivalStore.open(name, testKey, { indexedDB: factory, IDBKeyRange });
  const client = (baseUrl: string) =>
    new FhirClient({ baseUrl, auth: { type: 'none' }, retry: { maxAttempts: 1 }, timeoutMs: 2_000 });
  const inbox = new PreArrivalInbox({
    store,
    callsign: CALLSIGN,
    dispatch: client(options.dispatchUrl ?? world.dispatch.baseUrl),
    icbs: world.icbs.map(({ icb, server }) => ({
      odsCode: icb.odsCode,
      name: icb.name,
      remote: client(server.baseUrl),
    })),
    refetchAfterMs: 0,
  });
  return { inbox, store, factory, name };
}

function request(overrides: Partial<NewPreArrival> = {}): NewPreArrival {
  const patient = demoPatient(world.population, true);
  return {
    callsign: CALLSIGN,
    nhsNumber: patient.nhsNumber,
    patientName: patient.name,
    incidentNumber: `INC-${String(1000 + counter++)}`,
    description: 'Chest pain, 20 minutes',
    priority: 'urgent',
    authoredOn: new Date(Date.now() - 60_000),
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

/** Closes every open request from earlier tests, so each test sees only its own. */
async function closeAll(): Promise<void> {
  const response = await fetch(
    `${world.dispatch.baseUrl}/Task?status=requested,received,accepted&_count=100`,
  );
  const bundle = (await response.json()) as { entry?: { resource: Parameters<typeof updateTask>[1] }[] };
  for (const entry of bundle.entry ?? [])
    await updateTask(world.dispatch.baseUrl, { ...entry.resource, status: 'completed' });
}

/** The ICBs whose demo records hold this NHS number. */
function icbsHolding(nhsNumber: string): string[] {
  return world.icbs
    .filter(({ icb }) =>
      world.population.records[icb.key].some(
        (resource) =>
          resource.resourceType === 'Patient' &&
          resource.identifier?.some((id) => id.system === NHS_NUMBER_SYSTEM && id.value === nhsNumber),
      ),
    )
    .map(({ icb }) => icb.odsCode)
    .sort();
}

describe('pre-arrival inbox', () => {
  it('receives a request, marks it received on the server and fetches the patient from every ICB holding them', async () => {
    await closeAll();
    const sent = await sendPreArrival(world.dispatch.baseUrl, request());
    const { inbox, store } = await openInbox();
    const result = await inbox.poll();
    expect(result).toMatchObject({ open: 1, added: [sent.id], removed: 0, refused: [], statusFailures: [] });
    expect((await readTask(world.dispatch.baseUrl, sent.id ?? '')).status).toBe('received');
    const [item] = await inbox.list();
    expect(item?.status).toBe('received');
    expect(item?.confirmed).toBe(true);
    expect(item?.request.incidentNumber).toBe(sent.input?.[0]?.valueIdentifier?.value);
    const nhsNumber = sent.for?.identifier?.value ?? '';
    expect(item?.records?.failures).toEqual([]);
    expect(item?.records?.records.map((record) => record.icb).sort()).toEqual(icbsHolding(nhsNumber));
    // The fetched raw resources project to the same summary the pre-cache would show.
    const record = item?.records?.records[0];
    if (record === undefined) throw new Error('no record fetched');
    const summary = summaryOfStored(
      { raw: [...record.raw], refreshedAt: record.refreshedAt },
      {
        odsCode: record.icb,
        name: record.icb,
      },
    );
    expect(summary.demographics.nhsNumber).toBe(nhsNumber);
    // A second poll changes nothing and fetches nothing again: the sealed row is not even rewritten.
    const [before] = await store.rows();
    expect(await inbox.poll()).toMatchObject({ open: 1, added: [], removed: 0 });
    const [after] = await store.rows();
    expect(after?.body).toEqual(before?.body);
    expect(after?.recordsAt).toBe(before?.recordsAt);
    store.close();
  });

  it('fetches a patient from outside the area, whom the area pre-cache would not hold', async () => {
    await closeAll();
    const far = demoPatient(world.population, false);
    await sendPreArrival(world.dispatch.baseUrl, request({ nhsNumber: far.nhsNumber }));
    const { inbox, store } = await openInbox();
    await inbox.poll();
    const [item] = await inbox.list();
    expect(item?.records?.records.map((record) => record.icb).sort()).toEqual(icbsHolding(far.nhsNumber));
    expect(item?.records?.records.length).toBeGreaterThan(0);
    // Not a patient the area pre-cache would hold, in any ICB.
    const cohort = expectedCohort(world, world.profiles.crew, new Date().toISOString().slice(0, 10));
    for (const record of item?.records?.records ?? [])
      expect(cohort.get(record.icb)?.has(record.patientId)).toBe(false);
    store.close();
  });

  it('keeps an accept made offline and sends it at the next poll with signal', async () => {
    await closeAll();
    const sent = await sendPreArrival(world.dispatch.baseUrl, request());
    const online = await openInbox();
    await online.inbox.poll();
    online.store.close();
    // The same device database, with the dispatch server out of reach.
    const offline = await openInbox({
      dispatchUrl: 'http://127.0.0.1:9/fhir',
      factory: online.factory,
      name: online.name,
    });
    await offline.inbox.accept(sent.id ?? '');
    await expect(offline.inbox.poll()).rejects.toThrow();
    const [waiting] = await offline.inbox.list();
    expect(waiting).toMatchObject({ status: 'accepted', confirmed: false });
    expect((await readTask(world.dispatch.baseUrl, sent.id ?? '')).status).toBe('received');
    offline.store.close();
    const back = await openInbox({ factory: online.factory, name: online.name });
    await back.inbox.poll();
    expect((await readTask(world.dispatch.baseUrl, sent.id ?? '')).status).toBe('accepted');
    const [sentItem] = await back.inbox.list();
    expect(sentItem).toMatchObject({ status: 'accepted', confirmed: true });
    back.store.close();
  });

  it('accepts a Task the control room changed since the last poll, showing the change', async () => {
    await closeAll();
    const sent = await sendPreArrival(world.dispatch.baseUrl, request());
    const { inbox, store } = await openInbox();
    await inbox.poll();
    const current = await readTask(world.dispatch.baseUrl, sent.id ?? '');
    await updateTask(world.dispatch.baseUrl, { ...current, description: 'Now unconscious' });
    await inbox.accept(sent.id ?? '');
    const server = await readTask(world.dispatch.baseUrl, sent.id ?? '');
    expect(server).toMatchObject({ status: 'accepted', description: 'Now unconscious' });
    const [item] = await inbox.list();
    expect(item?.request.description).toBe('Now unconscious');
    expect(item?.confirmed).toBe(true);
    store.close();
  });

  it('drops a request the control room cancelled, and never shows an expired one', async () => {
    await closeAll();
    const cancelled = await sendPreArrival(world.dispatch.baseUrl, request());
    await sendPreArrival(
      world.dispatch.baseUrl,
      request({ authoredOn: new Date(Date.now() - 7_200_000), expiresAt: new Date(Date.now() - 60_000) }),
    );
    const { inbox, store } = await openInbox();
    expect(await inbox.poll()).toMatchObject({ open: 1 });
    const current = await readTask(world.dispatch.baseUrl, cancelled.id ?? '');
    await updateTask(world.dispatch.baseUrl, { ...current, status: 'cancelled' });
    expect(await inbox.poll()).toMatchObject({ open: 0, removed: 1 });
    expect(await inbox.list()).toEqual([]);
    store.close();
  });

  it('refuses malformed Tasks with their reason and still takes the good ones', async () => {
    await closeAll();
    const good = await sendPreArrival(world.dispatch.baseUrl, request());
    const bad = preArrivalTask(request());
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...bad, for: { identifier: { system: NHS_NUMBER_SYSTEM, value: '9434765918' } } }, /modulus-11/],
      [{ ...bad, input: [] }, /incident number/],
      [{ ...bad, authoredOn: '2026-12-01' }, /authoredOn/],
      [{ ...bad, restriction: { period: { end: '2020-01-01T00:00:00Z' } } }, /before Task.authoredOn/],
    ];
    for (const [task] of cases) {
      const response = await fetch(`${world.dispatch.baseUrl}/Task`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(task),
      });
      expect(response.status).toBe(201);
    }
    const { inbox, store } = await openInbox();
    const result = await inbox.poll();
    expect(result.added).toEqual([good.id]);
    expect(result.refused.map((entry) => entry.reason)).toEqual(
      expect.arrayContaining(cases.map(([, reason]) => expect.stringMatching(reason) as unknown)),
    );
    expect(result.refused).toHaveLength(cases.length);
    store.close();
  });

  it('keeps what it holds when the dispatch server cannot be reached', async () => {
    await closeAll();
    await sendPreArrival(world.dispatch.baseUrl, request());
    const online = await openInbox();
    await online.inbox.poll();
    online.store.close();
    const offline = await openInbox({ dispatchUrl: 'http://127.0.0.1:9/fhir', ...online });
    await expect(offline.inbox.poll()).rejects.toThrow(/127\.0\.0\.1:9/);
    expect(await offline.inbox.list()).toHaveLength(1);
    offline.store.close();
  });

  it('stores no NHS number, name, incident number or description in the clear, and refuses another key', async () => {
    await closeAll();
    const input = request({ incidentNumber: 'INC-SECRET-7781', description: 'Distinctive-complaint-words' });
    await sendPreArrival(world.dispatch.baseUrl, input);
    const { inbox, store, factory, name } = await openInbox();
    await inbox.poll();
    const [item] = await inbox.list();
    const family = item?.records?.records[0]?.card.displayName.split(' ').at(-1) ?? '';
    store.close();
    const dump = await dumpIndexedDb(factory, name);
    for (const secret of [input.nhsNumber, input.incidentNumber, 'Distinctive-complaint-words', family])
      expect(dump).not.toContain(secret);
    const otherKey = testKey.map((byte) => byte ^ 0xff);
    await expect(PreArrivalStore.open(name, otherKey, { indexedDB: factory, IDBKeyRange })).rejects.toThrow(
      PreArrivalKeyError,
    );
  });
});
