// What the outbox tells the UI: a typed union of events and the counts per state, plus the small listener set
// the outbox and its push engine share (so a test can see that listeners do not pile up).
import type { ServerReceipt } from './to-transaction';
import type { RouteRule } from './routing';

export type OutboxState = 'draft' | 'queued' | 'sending' | 'sent' | 'needs-attention' | 'paused';
export type PauseReason = 'unauthorized' | 'quota';

/** Identifies one version of one note in the outbox. */
export interface NoteRef {
  readonly noteId: string;
  readonly version: number;
}

export type OutboxEvent =
  | ({ readonly type: 'queued'; readonly rule: RouteRule | 'unroutable'; readonly reason: string } & NoteRef)
  | ({ readonly type: 'sending'; readonly attempt: number; readonly target: string } & NoteRef)
  | ({ readonly type: 'sent'; readonly serverIds: ServerReceipt; readonly acknowledgedAt: number } & NoteRef)
  | ({
      readonly type: 'needs-attention';
      readonly status: number | undefined;
      readonly outcomeText: string;
    } & NoteRef)
  | ({
      readonly type: 'paused';
      readonly reason: PauseReason;
      readonly target: string;
      readonly message: string;
    } & NoteRef)
  | ({ readonly type: 'retry-scheduled'; readonly delayMs: number; readonly message: string } & NoteRef)
  | { readonly type: 'offline'; readonly target: string; readonly message: string }
  | { readonly type: 'drained' };

export interface OutboxCounts {
  readonly drafts: number;
  readonly queued: number;
  readonly sending: number;
  readonly sent: number;
  readonly needsAttention: number;
  readonly paused: number;
}

export type OutboxListener = (event: OutboxEvent) => void;

/** A set of listeners; `on` returns the function that removes the listener again. */
export class OutboxEmitter {
  private readonly listeners = new Set<OutboxListener>();

  on(listener: OutboxListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: OutboxEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
