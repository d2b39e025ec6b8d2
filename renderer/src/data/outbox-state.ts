// The React side of the outbox: opens it once the app is ready, runs the push engine beside the screens, and
// keeps the home screen's counts and list of drafts fresh as notes are saved, finalised and sent.
import { useCallback, useEffect, useState } from 'react';
import type { Outbox, OutboxCounts } from '../../../sync/outbox';
import type { Profile } from '../../../sync/provisioning-profile';
import type { NoteForm } from '../encounter/note-form';
import { parseNoteForm } from '../encounter/note-form';
import { noteQueueCounts } from './note-queue';
import { openDeviceOutbox, startPush } from './outbox';

/** A draft as the home screen lists it. */
export interface DraftEntry {
  readonly key: string;
  readonly form: NoteForm;
  readonly updatedAt: number;
}

export type DeviceOutbox =
  | { readonly kind: 'opening' }
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'ready';
      readonly outbox: Outbox;
      readonly counts: OutboxCounts | undefined;
      readonly drafts: readonly DraftEntry[];
      /** Re-reads counts and drafts (saving a draft emits no outbox event). */
      readonly refresh: () => void;
    };

async function readDrafts(outbox: Outbox): Promise<DraftEntry[]> {
  const drafts = await outbox.drafts();
  return drafts.flatMap((draft) => {
    const form = parseNoteForm(draft.form);
    return form === undefined
      ? []
      : [{ key: `${draft.noteId}#${String(draft.version)}`, form, updatedAt: draft.updatedAt }];
  });
}

export function useDeviceOutbox(profile: Profile, keyMaterial: Uint8Array): DeviceOutbox {
  const [outbox, setOutbox] = useState<Outbox | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [counts, setCounts] = useState<OutboxCounts | undefined>();
  const [drafts, setDrafts] = useState<readonly DraftEntry[]>([]);

  useEffect(() => {
    let cancelled = false;
    let opened: Outbox | undefined;
    let push: ReturnType<typeof startPush> | undefined;
    openDeviceOutbox(profile, keyMaterial).then(
      (value) => {
        if (cancelled) {
          value.close();
          return;
        }
        opened = value;
        push = startPush(value, profile);
        setOutbox(value);
      },
      (error: unknown) => {
        if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
      const closing = opened;
      setOutbox(undefined);
      if (push === undefined) closing?.close();
      else
        push.stop().then(
          () => closing?.close(),
          (error: unknown) => {
            console.error('The push engine did not stop cleanly', error);
            closing?.close();
          },
        );
    };
  }, [profile, keyMaterial]);

  const refresh = useCallback(() => {
    if (outbox === undefined) return;
    Promise.all([noteQueueCounts(outbox), readDrafts(outbox)]).then(
      ([nextCounts, nextDrafts]) => {
        setCounts(nextCounts);
        setDrafts(nextDrafts);
      },
      (error: unknown) => {
        console.error('Could not read the outbox', error);
      },
    );
  }, [outbox]);

  useEffect(() => {
    if (outbox === undefined) return;
    refresh();
    return outbox.on(refresh);
  }, [outbox, refresh]);

  if (failure !== undefined) return { kind: 'failed', message: failure };
  if (outbox === undefined) return { kind: 'opening' };
  return { kind: 'ready', outbox, counts, drafts, refresh };
}
