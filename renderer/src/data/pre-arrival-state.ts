// The React side of the pre-arrival inbox: opened once start-up is over, polled at once and then every 30 s
// while there is signal (and the moment the signal returns), its list kept fresh for the home screen and the
// alert banner. Offline, the requests already on the device stay listed until they expire.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PreArrivalInbox, PreArrivalItem } from '../../../sync/prearrival';
import type { Profile } from '../../../sync/provisioning-profile';
import { START_UP_QUIET_MS } from '../start-up';

export const POLL_EVERY_MS = 30_000;

export interface InboxHandle {
  readonly inbox: Pick<PreArrivalInbox, 'poll' | 'list' | 'accept'>;
  close(): void;
}

export type PreArrivalState =
  | { readonly kind: 'opening' }
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'ready';
      readonly items: readonly PreArrivalItem[];
      /** When the dispatch server last answered a poll in full. */
      readonly lastCheckedAt?: Date;
      /** Why the last poll failed, until one succeeds. */
      readonly checkError?: string;
      readonly accept: (taskId: string) => Promise<void>;
      /** Asks dispatch now (the crew pressed "Sync now"), rather than at the next tick. */
      readonly checkNow: () => void;
    };

export interface PreArrivalOptions {
  readonly profile: Pick<Profile, 'device' | 'dispatch' | 'icbs'>;
  readonly keyMaterial: Uint8Array;
  readonly online: boolean;
  readonly startDelayMs?: number;
  readonly pollEveryMs?: number;
  /** Opens the inbox; by default the device's (loaded on demand, see pre-arrivals.ts). */
  readonly open?: (profile: PreArrivalOptions['profile'], keyMaterial: Uint8Array) => Promise<InboxHandle>;
}

const openDeviceInbox: NonNullable<PreArrivalOptions['open']> = async (profile, keyMaterial) => {
  const module = await import('./pre-arrivals');
  return module.openPreArrivalInbox(profile, keyMaterial);
};

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function usePreArrivals(options: PreArrivalOptions): PreArrivalState {
  const { profile, keyMaterial, online } = options;
  const open = options.open ?? openDeviceInbox;
  const startDelayMs = options.startDelayMs ?? START_UP_QUIET_MS;
  const pollEveryMs = options.pollEveryMs ?? POLL_EVERY_MS;
  const [handle, setHandle] = useState<InboxHandle | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [items, setItems] = useState<readonly PreArrivalItem[]>([]);
  const [lastCheckedAt, setLastCheckedAt] = useState<Date | undefined>();
  const [checkError, setCheckError] = useState<string | undefined>();
  const onlineNow = useRef(online);
  onlineNow.current = online;

  useEffect(() => {
    let cancelled = false;
    let opened: InboxHandle | undefined;
    const timer = setTimeout(() => {
      open(profile, keyMaterial).then(
        (value) => {
          if (cancelled) value.close();
          else {
            opened = value;
            setHandle(value);
          }
        },
        (error: unknown) => {
          if (!cancelled) setFailure(describe(error));
        },
      );
    }, startDelayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      opened?.close();
      setHandle(undefined);
    };
  }, [profile, keyMaterial, open, startDelayMs]);

  const relist = useCallback(async (inbox: InboxHandle['inbox']) => {
    try {
      setItems(await inbox.list());
    } catch (error) {
      console.error('Could not read the pre-arrival requests', error);
    }
  }, []);

  // One poll at a time; a tick during a poll is skipped (the next one comes soon).
  const polling = useRef(false);
  const check = useCallback(
    async (inbox: InboxHandle['inbox']) => {
      if (!onlineNow.current || polling.current) {
        await relist(inbox);
        return;
      }
      polling.current = true;
      try {
        const result = await inbox.poll();
        // Not the crew's to fix: for trust IT, in the console (the Task ids carry no patient data).
        for (const refused of result.refused)
          console.warn(`Pre-arrival Task ${refused.taskId ?? '(no id)'} refused: ${refused.reason}`);
        setLastCheckedAt(new Date());
        setCheckError(undefined);
      } catch (error) {
        setCheckError(describe(error));
      } finally {
        polling.current = false;
      }
      await relist(inbox);
    },
    [relist],
  );

  useEffect(() => {
    if (handle === undefined) return;
    // Also while offline: requests that expire leave the list.
    const timer = setInterval(() => void check(handle.inbox), pollEveryMs);
    return () => {
      clearInterval(timer);
    };
  }, [handle, check, pollEveryMs]);

  // Once open, and whenever the signal comes or goes: ask at once (offline, list what is held) rather than
  // at the next tick.
  useEffect(() => {
    if (handle !== undefined) void check(handle.inbox);
  }, [online, handle, check]);

  const accept = useCallback(
    async (taskId: string) => {
      if (handle === undefined) return;
      await handle.inbox.accept(taskId);
      await relist(handle.inbox);
    },
    [handle, relist],
  );

  const checkNow = useCallback(() => {
    if (handle !== undefined) void check(handle.inbox);
  }, [handle, check]);

  if (failure !== undefined) return { kind: 'failed', message: failure };
  if (handle === undefined) return { kind: 'opening' };
  return {
    kind: 'ready',
    items,
    accept,
    checkNow,
    ...(lastCheckedAt === undefined ? {} : { lastCheckedAt }),
    ...(checkError === undefined ? {} : { checkError }),
  };
}

/**
 * The records of request `taskId` when they were fetched after `shownAt` (or none were shown): a summary
 * opened before its patient's records arrived is brought up to date, not left saying there is no record.
 */
export function newerRecords(
  items: readonly PreArrivalItem[],
  taskId: string,
  shownAt: number | undefined,
): { readonly records: NonNullable<PreArrivalItem['records']>; readonly recordsAt: number } | undefined {
  const item = items.find((candidate) => candidate.request.taskId === taskId);
  if (item?.records === undefined || item.recordsAt === undefined) return undefined;
  const recordsAt = item.recordsAt.getTime();
  return shownAt === undefined || recordsAt > shownAt ? { records: item.records, recordsAt } : undefined;
}
