// Outbox benchmark: finalised notes queued offline, then drained online to a loopback demo FHIR server
// (time, requests, duplicates on the server), and the same drain to an in-memory fake for the engine's own cost.
import { IDBFactory } from 'fake-indexeddb';
import type { BenchRow } from './bench-table';
import { exactlyOnceProblems, startOutboxWorld } from '../unit/sync/outbox/integration-kit';
import { minimalNote } from '../unit/sync/outbox/note-fixtures';
import {
  FakeRemote,
  makeEngine,
  openOutbox,
  recordEvents,
  sentCount,
} from '../unit/sync/outbox/outbox-harness';
import type { OutboxRemote } from '../../sync/outbox';
import type { Profile } from '../../sync/provisioning-profile';

export interface OutboxBenchOptions {
  /** Default 1,000. `serverNotes` caps the part drained to the demo server (default: `notes`). */
  readonly notes?: number;
  readonly serverNotes?: number;
}

async function drain(
  count: number,
  remote: OutboxRemote,
  profile?: Profile,
): Promise<{ queueMs: number; drainMs: number; outboxNotes: number }> {
  const { outbox } = await openOutbox(new IDBFactory(), undefined, profile);
  const events = recordEvents(outbox);
  const queueStart = performance.now();
  for (let n = 0; n < count; n++) await outbox.save(minimalNote(n, n % 50));
  const queueMs = performance.now() - queueStart;
  const engine = makeEngine(outbox, remote, {
    concurrency: 4,
    pollMs: 200,
    backoff: { baseMs: 100, maxMs: 2000 },
  });
  const drainStart = performance.now();
  engine.start();
  await events.until((log) => sentCount(log) === count, 3_600_000);
  const drainMs = performance.now() - drainStart;
  await engine.stop();
  const outboxNotes = (await outbox.counts()).sent;
  outbox.close();
  return { queueMs, drainMs, outboxNotes };
}

export async function runOutboxBench(options: OutboxBenchOptions = {}): Promise<BenchRow[]> {
  const notes = options.notes ?? 1000;
  const serverNotes = options.serverNotes ?? notes;
  const rows: BenchRow[] = [];

  const fake = new FakeRemote();
  const local = await drain(notes, fake);
  rows.push(
    { name: 'notes finalised offline', value: notes, unit: 'notes' },
    {
      name: 'queue (seal + write)',
      value: local.queueMs,
      unit: 'ms',
      note: `${(local.queueMs / notes).toFixed(2)} ms per note`,
    },
    {
      name: 'drain to in-memory fake',
      value: local.drainMs,
      unit: 'ms',
      note: 'engine + IndexedDB cost only',
    },
    { name: 'requests to fake', value: fake.calls.length, unit: 'requests' },
  );

  const world = await startOutboxWorld();
  try {
    const server = await drain(serverNotes, world.remote, world.profile);
    const problems = await exactlyOnceProblems(
      world.server.baseUrl,
      Array.from({ length: serverNotes }, (_, n) => minimalNote(n, n % 50)),
      world.profile,
    );
    const duplicates = problems.filter((problem) => !/: [01] on the server$/.test(problem)).length;
    rows.push(
      { name: 'notes drained to demo server', value: serverNotes, unit: 'notes' },
      {
        name: 'drain to loopback demo server',
        value: server.drainMs,
        unit: 'ms',
        note: `${(serverNotes / (server.drainMs / 1000)).toFixed(1)} notes/s`,
      },
      {
        name: 'requests to demo server',
        value: world.faults.requests.length,
        unit: 'requests',
        note: '1 transaction per note',
      },
      { name: 'Encounters on server', value: world.server.count('Encounter'), unit: 'resources' },
      { name: 'duplicates on server', value: duplicates, unit: 'resources', note: 'must be 0' },
      {
        name: 'missing on server',
        value: problems.length - duplicates,
        unit: 'resources',
        note: 'must be 0',
      },
    );
  } finally {
    await world.close();
  }
  return rows;
}
