// Public surface of the outbox (sync/outbox): the note model, NEWS2, routing, the FHIR transaction builder,
// the durable outbox and its push engine.
export * from './encounter-note';
export * from './news2';
export * from './routing';
export { NOTE_ITEM_SYSTEM, NOTE_VERSION_SYSTEM, identifierQuery, toTransaction } from './to-transaction';
export type {
  NoteTransaction,
  ServerReceipt,
  ServerRecord,
  TransactionContext,
  TransactionItem,
} from './to-transaction';
export { atmistText } from './handover-text';
export { InvalidNoteError, Outbox } from './outbox';
export type { DraftForm, OutboxItem, OutboxOptions } from './outbox';
export { OutboxKeyError } from './outbox-store';
export type {
  NoteRef,
  OutboxCounts,
  OutboxEvent,
  OutboxListener,
  OutboxState,
  PauseReason,
} from './outbox-events';
export { PushEngine, backoffDelay, fhirClientRemote } from './push-engine';
export type { BackoffPolicy, OutboxRemote, PushEngineOptions } from './push-engine';
export { outcomeForError, outcomeForResponse, outcomeForStatus } from './push-outcome';
export type { PushOutcome } from './push-outcome';
