// The outbox proves its key on open: the same key opens it again with its notes; another key is refused
// before anything is read or written.
import { IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { Outbox, OutboxKeyError } from '../../../../sync/outbox';
import { minimalNote, testKey, testProfile } from './note-fixtures';
import { openOutbox } from './outbox-harness';

describe('outbox key check', () => {
  it('reopens with the same key and refuses another', async () => {
    const { outbox, factory, name } = await openOutbox();
    await outbox.save(minimalNote(1, 1));
    outbox.close();
    const again = await openOutbox(factory, name);
    expect(await again.outbox.store.db.entries.count()).toBe(1);
    again.outbox.close();
    await expect(
      Outbox.open({
        name,
        keyMaterial: testKey.map((byte) => byte ^ 0x5a),
        indexedDB: factory,
        IDBKeyRange,
        profile: testProfile(),
      }),
    ).rejects.toThrow(OutboxKeyError);
  });
});
