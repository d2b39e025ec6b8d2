// What the screens know about background sync, per ICB: a pure reducer over the worker's messages.
import { assertNever, type PullEvent, type PullProgress } from '../../../sync/pull/types';
import type { FromWorker, IcbRunResult } from './worker-protocol';

export type IcbSyncPhase =
  'idle' | 'syncing' | 'retrying' | 'rate-limited' | 'offline' | 'unauthorized' | 'failed' | 'paused';

export interface IcbSyncState {
  readonly phase: IcbSyncPhase;
  readonly progress?: PullProgress;
  /** Words for the crew about the last problem (offline, refused, failed). */
  readonly message?: string;
  /** When this ICB's cache was last brought fully up to date (ISO 8601). */
  readonly lastCompletedAt?: string;
  /** Resources quarantined in this session's runs. */
  readonly invalidResources: number;
}

export interface SyncState {
  readonly running: boolean;
  readonly online: boolean;
  readonly icbs: Readonly<Record<string, IcbSyncState>>;
  readonly workerError?: string;
}

export type SyncAction =
  | { readonly type: 'worker'; readonly message: FromWorker; readonly at: Date }
  | { readonly type: 'connectivity'; readonly online: boolean }
  /** Last completed syncs read from the store's checkpoints at start-up. */
  | { readonly type: 'checkpoints'; readonly lastCompletedAt: Readonly<Record<string, string | undefined>> };

const blank: IcbSyncState = { phase: 'idle', invalidResources: 0 };

export function initialSyncState(icbs: readonly string[], online: boolean): SyncState {
  return {
    running: false,
    online,
    icbs: Object.fromEntries(icbs.map((icb) => [icb, blank])),
  };
}

function updateIcb(
  state: SyncState,
  icb: string,
  change: (previous: IcbSyncState) => IcbSyncState,
): SyncState {
  return { ...state, icbs: { ...state.icbs, [icb]: change(state.icbs[icb] ?? blank) } };
}

function applyPullEvent(state: SyncState, event: PullEvent, at: Date): SyncState {
  const { icb } = event;
  switch (event.type) {
    case 'started':
      return updateIcb(state, icb, (previous) => ({
        ...previous,
        phase: 'syncing',
        progress: undefined,
        message: undefined,
      }));
    case 'progress': {
      const { type: _type, ...progress } = event;
      return updateIcb(state, icb, (previous) => ({ ...previous, phase: 'syncing', progress }));
    }
    case 'invalid-resource':
      return updateIcb(state, icb, (previous) => ({
        ...previous,
        invalidResources: previous.invalidResources + 1,
      }));
    case 'retrying':
      return updateIcb(state, icb, (previous) => ({ ...previous, phase: 'retrying', message: event.reason }));
    case 'rate-limited':
      return updateIcb(state, icb, (previous) => ({ ...previous, phase: 'rate-limited' }));
    case 'offline':
      return updateIcb(state, icb, (previous) => ({ ...previous, phase: 'offline', message: event.message }));
    case 'unauthorized':
      return updateIcb(state, icb, (previous) => ({
        ...previous,
        phase: 'unauthorized',
        message: event.message,
      }));
    case 'completed':
      return updateIcb(state, icb, (previous) => ({
        ...previous,
        phase: 'idle',
        message: undefined,
        lastCompletedAt: at.toISOString(),
      }));
    case 'failed':
      return updateIcb(state, icb, (previous) => ({ ...previous, phase: 'failed', message: event.message }));
    case 'paused':
    case 'cancelled':
      return updateIcb(state, icb, (previous) => ({ ...previous, phase: 'paused' }));
    default:
      return assertNever(event);
  }
}

function phaseAfterRun(result: IcbRunResult, previous: IcbSyncPhase): IcbSyncPhase {
  switch (result.kind) {
    case 'completed':
      return 'idle';
    case 'offline':
    case 'unauthorized':
    case 'failed':
      return result.kind;
    case 'aborted':
      return previous === 'syncing' || previous === 'retrying' ? 'paused' : previous;
    default:
      return assertNever(result.kind);
  }
}

function applyWorkerMessage(state: SyncState, message: FromWorker, at: Date): SyncState {
  switch (message.type) {
    case 'run-started':
      return { ...state, running: true };
    case 'pull-event':
      return applyPullEvent(state, message.event, at);
    case 'run-finished': {
      let next: SyncState = { ...state, running: false };
      for (const [icb, result] of Object.entries(message.results)) {
        next = updateIcb(next, icb, (previous) => ({
          ...previous,
          phase: phaseAfterRun(result, previous.phase),
          progress: result.kind === 'completed' ? undefined : previous.progress,
          lastCompletedAt: result.lastCompletedAt ?? previous.lastCompletedAt,
          message: result.kind === 'completed' ? undefined : (result.message ?? previous.message),
        }));
      }
      for (const icb of message.purged) {
        next = updateIcb(next, icb, (previous) => ({ ...previous, lastCompletedAt: undefined }));
      }
      return next;
    }
    case 'worker-error':
      return { ...state, running: false, workerError: message.message };
    default:
      return assertNever(message);
  }
}

export function reduceSync(state: SyncState, action: SyncAction): SyncState {
  switch (action.type) {
    case 'worker':
      return applyWorkerMessage(state, action.message, action.at);
    case 'connectivity':
      return { ...state, online: action.online };
    case 'checkpoints': {
      let next = state;
      for (const [icb, lastCompletedAt] of Object.entries(action.lastCompletedAt)) {
        next = updateIcb(next, icb, (previous) => ({
          ...previous,
          lastCompletedAt: previous.lastCompletedAt ?? lastCompletedAt,
        }));
      }
      return next;
    }
    default:
      return assertNever(action);
  }
}
