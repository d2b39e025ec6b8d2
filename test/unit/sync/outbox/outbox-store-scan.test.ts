// The pusher's view of the queue: unfinished rows in seq order across states, read from the head only as
// far as needed, and a version 1 database (before the [state+seq] index) opened without losing a note.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { EntryRow } from '../../../../sync/outbox/outbox-store';
import { minimalNote } from './note-fixtures';
import { openOutbox } from './outbox-harness';

describe('outbox store: scanning unfinished notes', () => {
  it('visits queued, sending, paused and parked notes in seq order and skips drafts and sent ones', async () => {
    const { outbox } = await openOutbox();
    for (let n = 0; n < 10; n++) await outbox.save(minimalNote(n, n));
    const rows = await outbox.store.db.entries.orderBy('seq').toArray();
    const states = ['sending', 'sent', 'paused', 'needs-attention', 'draft'] as const;
    for (const [index, state] of states.entries()) {
      const row = rows[index * 2 + 1];
      if (row !== undefined) await outbox.store.db.entries.update(row.key, { state });
    }
    const visited: EntryRow[] = [];
    await outbox.store.scanUnfinished((row) => {
      visited.push(row);
      return true;
    }, 3);
    expect(visited.map((row) => row.seq)).toEqual(
      rows.filter((row, index) => ![3, 9].includes(index)).map((row) => row.seq),
    );
    expect(visited.map((row) => row.state)).toEqual([
      'queued',
      'sending',
      'queued',
      'queued',
      'paused',
      'queued',
      'needs-attention',
      'queued',
    ]);
    outbox.close();
  });

  it('stops reading at the first row the visitor declines', async () => {
    const { outbox } = await openOutbox();
    for (let n = 0; n < 50; n++) await outbox.save(minimalNote(n, n));
    const seen: number[] = [];
    await outbox.store.scanUnfinished((row) => {
      seen.push(row.seq);
      return seen.length < 5;
    }, 4);
    expect(seen).toHaveLength(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    outbox.close();
  });

  it('opens a version 1 outbox (no [state+seq] index) with every note still queued', async () => {
    const factory = new IDBFactory();
    const { outbox, name } = await openOutbox(factory);
    for (let n = 0; n < 3; n++) await outbox.save(minimalNote(n, n));
    const rows = await outbox.store.db.entries.toArray();
    const meta = await outbox.store.db.meta.toArray();
    outbox.close();
    // Rebuild the same rows under the version 1 schema, as a device updated from the older app holds them.
    const old = new Dexie(name, { indexedDB: factory, IDBKeyRange });
    old.version(1).stores({
      entries: 'key, noteId, seq, state, patient, acknowledgedAt',
      receipts: 'noteId',
      lease: 'name',
      meta: 'name',
    });
    await old.delete();
    await old.open();
    await old.table('entries').bulkPut(rows);
    await old.table('meta').bulkPut(meta);
    old.close();
    const { outbox: upgraded } = await openOutbox(factory, name);
    expect((await upgraded.counts()).queued).toBe(3);
    const visited: number[] = [];
    await upgraded.store.scanUnfinished((row) => visited.push(row.seq) > 0);
    expect(visited).toEqual(rows.map((row) => row.seq).sort((a, b) => a - b));
    upgraded.close();
  });
});
