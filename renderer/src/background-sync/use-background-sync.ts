// The React side of background sync: starts the controller once the store is open and keeps SyncState.
import { useEffect, useReducer, useRef } from 'react';
import type { Profile } from '../../../sync/provisioning-profile';
import { PATIENT_STORE_NAME } from '../data/patient-store';
import {
  createSyncWorker,
  DEFAULT_SYNC_INTERVAL_MINUTES,
  SyncController,
  type WorkerPort,
} from './sync-controller';
import { START_UP_QUIET_MS } from '../start-up';
import { initialSyncState, reduceSync, type SyncState } from './sync-state';
import type { FromWorker } from './worker-protocol';

export interface BackgroundSync {
  readonly state: SyncState;
  readonly syncNow: () => void;
}

export function useBackgroundSync(options: {
  readonly profile: Profile;
  readonly keyMaterial: Uint8Array;
  readonly lastCompletedAt: Readonly<Record<string, string | undefined>>;
  readonly onWorkerMessage?: (message: FromWorker) => void;
  readonly createWorker?: (odsCode: string) => WorkerPort;
}): BackgroundSync {
  const { profile, keyMaterial } = options;
  const [state, dispatch] = useReducer(reduceSync, undefined, () =>
    reduceSync(
      initialSyncState(
        profile.icbs.map((icb) => icb.odsCode),
        navigator.onLine,
      ),
      { type: 'checkpoints', lastCompletedAt: options.lastCompletedAt },
    ),
  );
  const controller = useRef<SyncController | undefined>(undefined);
  const listener = useRef(options.onWorkerMessage);
  listener.current = options.onWorkerMessage;
  const createWorker = options.createWorker ?? createSyncWorker;

  useEffect(() => {
    const sync = new SyncController({
      createWorker,
      profile,
      keyMaterial,
      storeName: PATIENT_STORE_NAME,
      intervalMinutes: DEFAULT_SYNC_INTERVAL_MINUTES,
      startDelayMs: START_UP_QUIET_MS,
      onMessage: (message) => {
        dispatch({ type: 'worker', message, at: new Date() });
        listener.current?.(message);
      },
      onConnectivity: (online) => {
        dispatch({ type: 'connectivity', online });
      },
    });
    controller.current = sync;
    sync.start();
    return () => {
      sync.dispose();
      controller.current = undefined;
    };
  }, [profile, keyMaterial, createWorker]);

  return {
    state,
    syncNow: () => {
      controller.current?.syncNow();
    },
  };
}
