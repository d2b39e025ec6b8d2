// What waits to be sent or received: the outbox's notes by state (drafts, waiting, sending, sent, needing
// attention, paused), read from the device's outbox.
import type { OutboxCounts } from '../../../sync/outbox';

/** The outbox operation the home screen's counts need. */
export interface CountingOutbox {
  counts(): Promise<OutboxCounts>;
}

/** Notes in the outbox by state. */
export function noteQueueCounts(outbox: CountingOutbox): Promise<OutboxCounts> {
  return outbox.counts();
}

/** Notes not yet acknowledged by a server: waiting, sending, needing attention or paused (drafts aside). */
export function unsentCount(counts: OutboxCounts): number {
  return counts.queued + counts.sending + counts.needsAttention + counts.paused;
}
