// Saves the form as a draft on every change: debounced by a quarter of a second, written at once when a field
// loses focus, the page is hidden or unloaded, or the form closes; writes are serialised, failures are shown.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { NoteForm } from './note-form';

/** The outbox operation the autosave needs (a real `Outbox`, or a fake in tests). */
export interface DraftSink {
  saveForm(noteId: string, version: number, form: unknown): Promise<void>;
}

export const AUTOSAVE_DELAY_MS = 250;

export type SaveState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'saved'; readonly at: Date }
  | { readonly kind: 'failed'; readonly message: string };

export interface DraftAutosave {
  readonly state: SaveState;
  /** Writes the latest form now if it has not been written; resolves when every write so far is done. */
  readonly flush: () => Promise<void>;
  /** Drops a pending write (the note was finalised: the draft is gone). */
  readonly cancel: () => void;
}

export function useDraftAutosave(sink: DraftSink, form: NoteForm, enabled: boolean): DraftAutosave {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const latest = useRef(form);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const mounted = useRef(true);
  latest.current = form;

  const write = useCallback((): Promise<void> => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
    if (!dirty.current) return chain.current;
    dirty.current = false;
    const snapshot = latest.current;
    chain.current = chain.current.then(() =>
      sink.saveForm(snapshot.id, snapshot.version, snapshot).then(
        () => {
          if (mounted.current && !dirty.current) setState({ kind: 'saved', at: new Date() });
        },
        (error: unknown) => {
          // Kept dirty so the next change or flush tries again.
          dirty.current = true;
          const message = error instanceof Error ? error.message : String(error);
          console.error('Could not save the draft', error);
          if (mounted.current) setState({ kind: 'failed', message });
        },
      ),
    );
    return chain.current;
  }, [sink]);

  // Every change after the first render is a change to save.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!enabled) return;
    dirty.current = true;
    setState({ kind: 'pending' });
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void write();
    }, AUTOSAVE_DELAY_MS);
  }, [form, enabled, write]);

  useEffect(() => {
    mounted.current = true;
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void write();
    };
    const onPageHide = () => {
      void write();
    };
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
      mounted.current = false;
      void write();
    };
  }, [write]);

  const cancel = useCallback(() => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
    dirty.current = false;
  }, []);

  return { state, flush: write, cancel };
}
