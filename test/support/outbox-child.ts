// A push-engine process for the kill test (test/integration/sync/outbox-kill.test.ts): it restores the outbox
// from a JSON snapshot, saves and finalises a fixed list of notes, pushes them, and prints markers.
//
// Why a snapshot file: fake-indexeddb lives in memory and dies with the process. After every commit this
// child copies the whole outbox (one read transaction: a consistent state) to a file, atomically (write to a
// temporary file, then rename). A marker ("queued", "sent") is printed only after the snapshot holding it is
// on disk, so the parent's view of what was durable is never ahead of the file. The file may lag the
// in-memory database; a kill in that gap is the same as a kill just before the commit, which is exactly the
// crash the outbox must survive (a note is finalised again, or sent again and matched by ifNoneExist).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FhirClient } from '../../sync/fhir-client';
import { fhirClientRemote, Outbox, PushEngine } from '../../sync/outbox';
import { minimalNote, testKey, testProfile } from '../unit/sync/outbox/note-fixtures';

const [file = '', baseUrl = '', countText = '12'] = process.argv.slice(2);
/** How many of the fixed list of notes the crew has finalised by the end of this run. */
const count = Number(countText);
const tables = ['entries', 'receipts', 'lease', 'meta'] as const;

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, encode(child)]));
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const bytes = (value as { $bytes?: unknown }).$bytes;
    if (typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'));
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, decode(child)]));
  }
  return value;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const profile = testProfile({ QT1: baseUrl, QJ2: baseUrl, QK1: baseUrl, trust: baseUrl });
  const outbox = await Outbox.open({
    name: 'outbox-child',
    keyMaterial: testKey,
    indexedDB: new IDBFactory(),
    IDBKeyRange,
    profile,
  });
  const { db } = outbox.store;
  if (existsSync(file)) {
    const saved = decode(JSON.parse(readFileSync(file, 'utf8'))) as Record<(typeof tables)[number], never[]>;
    await db.transaction('rw', [db.entries, db.receipts, db.lease, db.meta], async () => {
      for (const table of tables) await db.table(table).bulkPut(saved[table]);
    });
  }
  let chain = Promise.resolve();
  const snapshot = (): Promise<void> => {
    chain = chain.then(async () => {
      const copy = await db.transaction('r', [db.entries, db.receipts, db.lease, db.meta], async () => ({
        entries: await db.entries.toArray(),
        receipts: await db.receipts.toArray(),
        lease: await db.lease.toArray(),
        meta: await db.meta.toArray(),
      }));
      writeFileSync(`${file}.tmp`, JSON.stringify(encode(copy)));
      renameSync(`${file}.tmp`, file);
    });
    return chain;
  };
  outbox.on((event) => {
    if (event.type === 'sending') say(`sending ${event.noteId}`);
    if (event.type === 'sent')
      void snapshot().then(() => {
        say(`sent ${event.noteId}`);
      });
    if (event.type === 'retry-scheduled' || event.type === 'needs-attention') void snapshot();
  });
  const client = new FhirClient({ baseUrl, auth: { type: 'none' }, retry: { maxAttempts: 1 } });
  const engine = new PushEngine({
    outbox,
    remote: fhirClientRemote(() => client),
    trust: profile.trust,
    leaseMs: 800,
    pollMs: 100,
    backoff: { baseMs: 50, maxMs: 400 },
  });
  engine.start();
  for (let n = 0; n < count; n++) {
    const note = minimalNote(n, n % 5);
    const existing = await outbox.get(note.id, 1);
    if (existing !== undefined && existing.state !== 'draft') continue;
    // The crew's last keystroke is saved as a draft; then the note is finalised (enqueued).
    await outbox.save({ ...note, status: 'draft' });
    await snapshot();
    say(`draft ${note.id}`);
    await outbox.save(note);
    await snapshot();
    say(`queued ${note.id}`);
  }
  for (;;) {
    const counts = await outbox.counts();
    if (counts.queued + counts.sending === 0 && counts.drafts === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await engine.stop();
  await snapshot();
  say(`done ${JSON.stringify(await outbox.counts())}`);
  outbox.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
