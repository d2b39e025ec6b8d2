// Drafts kept as the form's own state: saved even when not yet a valid note (no keystroke lost), found again
// after reopening, left out of the queue, replaced by finalising, and never overwriting a finalised note.
import { describe, expect, it } from 'vitest';
import { openOutbox } from './outbox-harness';
import { dumpIndexedDb } from '../../../support/dump-indexeddb';
import { fixtureUuid, makeNote } from './note-fixtures';

const noteId = fixtureUuid(7, 1);
const halfTyped = { incidentNumber: '', presentingComplaint: 'Chest pain since 0700', spo2: '9' };

describe('Outbox.saveForm', () => {
  it('keeps a draft that is not a valid note yet, and finds it again after the database is reopened', async () => {
    const first = await openOutbox();
    await first.outbox.saveForm(noteId, 1, halfTyped);
    first.outbox.close();
    const { outbox } = await openOutbox(first.factory, first.name);
    const drafts = await outbox.drafts();
    expect(drafts).toEqual([
      { noteId, version: 1, updatedAt: expect.any(Number) as number, form: halfTyped },
    ]);
    expect(await outbox.counts()).toMatchObject({ drafts: 1, queued: 0 });
    expect(await outbox.list()).toEqual([]);
    expect(await outbox.get(noteId, 1)).toBeUndefined();
  });

  it('overwrites the draft on every save, and finalising replaces it with the queued note', async () => {
    const { outbox } = await openOutbox();
    const note = makeNote(7);
    await outbox.saveForm(note.id, 1, { typed: 'a' });
    await outbox.saveForm(note.id, 1, { typed: 'ab' });
    expect((await outbox.drafts()).map((draft) => draft.form)).toEqual([{ typed: 'ab' }]);
    await outbox.save(note);
    expect(await outbox.drafts()).toEqual([]);
    expect((await outbox.get(note.id, 1))?.state).toBe('queued');
  });

  it('does not turn a finalised note back into a draft when a late save arrives', async () => {
    const { outbox } = await openOutbox();
    const note = makeNote(8);
    await outbox.save(note);
    await outbox.saveForm(note.id, 1, { typed: 'late' });
    expect(await outbox.drafts()).toEqual([]);
    expect(await outbox.counts()).toMatchObject({ drafts: 0, queued: 1 });
  });

  it('refuses an id that is not a device UUID', async () => {
    const { outbox } = await openOutbox();
    await expect(outbox.saveForm('not-a-uuid', 1, {})).rejects.toThrow();
  });

  it('stores the form sealed: nothing the crew typed is readable in the database', async () => {
    const { outbox, factory, name } = await openOutbox();
    await outbox.saveForm(noteId, 1, halfTyped);
    expect(await dumpIndexedDb(factory, name)).not.toContain('Chest pain');
  });
});
