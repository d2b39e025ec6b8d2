// What the FHIR client reports while it works, for the sync engine's status stream and the UI
// (STYLE.md point 4: status reaches the UI as a typed event union).
import type { RetryReason } from './errors';

/** A request attempt failed and will be repeated after `delayMs`. `attempt` is the attempt that failed (1-based). */
export interface RetryingEvent {
  readonly type: 'retrying';
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: RetryReason;
  readonly url: string;
}

/** The server refused our credentials even after a token refresh (or the token endpoint refused us). */
export interface UnauthorizedEvent {
  readonly type: 'unauthorized';
  readonly url: string;
}

/** A new SMART access token was obtained. */
export interface TokenRefreshedEvent {
  readonly type: 'token-refreshed';
}

/** A bulk export status poll answered 202; `progress` is the server's X-Progress text, if any. */
export interface BulkExportPendingEvent {
  readonly type: 'bulk-export-pending';
  readonly url: string;
  readonly progress: string | undefined;
  readonly nextPollMs: number;
}

/** Cancelling an abandoned bulk export (DELETE on its status URL) failed; the server will expire it itself. */
export interface BulkExportCancelFailedEvent {
  readonly type: 'bulk-export-cancel-failed';
  readonly url: string;
  readonly message: string;
}

/** Everything `FhirClientOptions.onEvent` can receive. */
export type FhirClientEvent =
  | RetryingEvent
  | UnauthorizedEvent
  | TokenRefreshedEvent
  | BulkExportPendingEvent
  | BulkExportCancelFailedEvent;
