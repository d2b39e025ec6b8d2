// Push of encounter notes to a real (demo) FHIR server through fault proxies: a lost response replayed creates
// nothing twice, a connection cut mid-run loses and doubles nothing and keeps per-patient order, a 422 parks.
import type { Observation } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toTransaction } from '../../../sync/outbox';
import type { EncounterNote, PushEngine } from '../../../sync/outbox';
import {
  encounterOrderByPatient,
  exactlyOnceProblems,
  startOutboxWorld,
  type OutboxWorld,
} from '../../unit/sync/outbox/integration-kit';
import { makeNote, minimalNote } from '../../unit/sync/outbox/note-fixtures';
import { makeEngine, openOutbox, recordEvents, sentCount } from '../../unit/sync/outbox/outbox-harness';

let world: OutboxWorld;
const engines: PushEngine[] = [];
beforeEach(async () => {
  world = await startOutboxWorld();
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
  await world.close();
});

async function setUp(options: Parameters<typeof makeEngine>[2] = {}) {
  const { outbox } = await openOutbox(undefined, undefined, world.profile);
  const events = recordEvents(outbox);
  const engine = makeEngine(outbox, world.remote, { backoff: { baseMs: 50, maxMs: 400 }, ...options });
  engines.push(engine);
  return { outbox, events, engine };
}

describe('outbox push to the demo FHIR server', () => {
  it('replays a transaction whose response was lost after the server committed it, creating nothing twice', async () => {
    world.drop.setPlan(({ method, index }) => method === 'POST' && index === 0);
    const { outbox, events, engine } = await setUp();
    const note = makeNote(1, 0);
    await outbox.save(note);
    engine.start();
    await events.until((log) => sentCount(log) === 1);
    expect(world.drop.dropped).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
    expect(events.log.some((event) => event.type === 'offline')).toBe(true);
    expect(await exactlyOnceProblems(world.server.baseUrl, [note], world.profile)).toEqual([]);
    expect(world.server.count('Encounter')).toBe(1);
    const item = await outbox.get(note.id, 1);
    expect(item?.state).toBe('sent');
  });

  it('delivers 50 notes exactly once, in per-patient order, when the connection is cut during the third batch', async () => {
    const concurrency = 4;
    const notes: EncounterNote[] = [];
    for (let n = 0; n < 50; n++) notes.push(minimalNote(n, n % 8));
    // Third batch: requests 8-11. Two of them are committed and their answers lost, then the link goes down.
    world.drop.setPlan(({ index }) => index === 8 || index === 9);
    world.faults.setPlan(({ index }) => {
      if (index === 10) {
        world.faults.setOffline(true);
        setTimeout(() => {
          world.faults.setOffline(false);
        }, 1500);
        return { kind: 'drop-before-response' };
      }
      return { kind: 'pass' };
    });
    const { outbox, events, engine } = await setUp({ concurrency });
    for (const note of notes) await outbox.save(note);
    engine.start();
    await events.until((log) => sentCount(log) === 50, 60_000);
    expect(world.drop.dropped.length).toBe(2);
    expect(world.faults.requests.some((request) => request.fault === 'drop-before-response')).toBe(true);
    expect(world.server.count('Encounter')).toBe(50);
    expect(await exactlyOnceProblems(world.server.baseUrl, notes, world.profile)).toEqual([]);
    const order = await encounterOrderByPatient(world.server.baseUrl);
    expect(order.size).toBe(8);
    for (const starts of order.values()) expect(starts).toEqual([...starts].sort());
    expect(await outbox.counts()).toMatchObject({ sent: 50, queued: 0, sending: 0, needsAttention: 0 });
  });

  it("parks a note the server rejects with 422, showing the server's OperationOutcome, and delivers the others", async () => {
    const notes = [0, 1, 2, 3, 4].map((n) => makeNote(n, n % 3));
    const invalid = notes[2];
    if (invalid === undefined) throw new Error('fixture');
    const { outbox, events, engine } = await setUp({
      // Made invalid on purpose: an element FHIR does not define, which the server's validation rejects.
      buildTransaction: (note, context) => {
        const transaction = toTransaction(note, context);
        if (note.id !== invalid.id) return transaction;
        const entries = transaction.bundle.entry ?? [];
        const observation = entries.find((entry) => entry.resource?.resourceType === 'Observation');
        if (observation?.resource !== undefined)
          observation.resource = {
            ...(observation.resource as Observation),
            bogusElement: true,
          } as Observation;
        return transaction;
      },
    });
    for (const note of notes) await outbox.save(note);
    engine.start();
    await events.until(
      (log) => sentCount(log) === 4 && log.some((event) => event.type === 'needs-attention'),
    );
    const parked = await outbox.get(invalid.id, 1);
    expect(parked?.state).toBe('needs-attention');
    expect(parked?.problem).toMatch(/Invalid additional property "bogusElement"/);
    const attention = events.log.find((event) => event.type === 'needs-attention');
    expect(attention).toMatchObject({ noteId: invalid.id, status: 422 });
    expect(world.server.count('Encounter')).toBe(4);
    const delivered = notes.filter((note) => note.id !== invalid.id);
    expect(await exactlyOnceProblems(world.server.baseUrl, delivered, world.profile)).toEqual([]);
  });
});
