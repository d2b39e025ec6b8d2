import { describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../../sync/provisioning-profile';
import { SyncController, type WorkerPort } from '../../../renderer/src/background-sync/sync-controller';
import type { FromWorker, ToWorker } from '../../../renderer/src/background-sync/worker-protocol';
import crew from '../../../demo/profiles/crew.json';

const profile = crew as unknown as Profile;
const odsCodes = profile.icbs.map((icb) => icb.odsCode);

interface FakeWorker {
  readonly odsCode: string;
  readonly posted: ToWorker[];
  readonly terminate: ReturnType<typeof vi.fn>;
  /** Delivers a message as if the worker had posted it. */
  send(message: FromWorker): void;
}

function fakes(onLine: boolean, startDelayMs?: number) {
  const workers: FakeWorker[] = [];
  const received: FromWorker[] = [];
  const listeners = new Map<string, () => void>();
  const createWorker = (odsCode: string): WorkerPort => {
    const posted: ToWorker[] = [];
    const terminate = vi.fn();
    let onMessage: ((event: MessageEvent<FromWorker>) => void) | undefined;
    workers.push({
      odsCode,
      posted,
      terminate,
      send: (message) => onMessage?.({ data: message } as MessageEvent<FromWorker>),
    });
    return {
      postMessage: (message: ToWorker) => posted.push(message),
      addEventListener: (type: string, listener: unknown) => {
        if (type === 'message') onMessage = listener as (event: MessageEvent<FromWorker>) => void;
      },
      terminate,
    };
  };
  const connectivity = {
    navigator: { onLine },
    addEventListener: (type: string, listener: () => void) => listeners.set(type, listener),
    removeEventListener: (type: string) => listeners.delete(type),
  };
  const controller = new SyncController({
    createWorker,
    profile,
    keyMaterial: new Uint8Array(32),
    storeName: 'test',
    intervalMinutes: 15,
    onMessage: (message) => received.push(message),
    onConnectivity: (online) => (connectivity.navigator.onLine = online),
    connectivity,
    ...(startDelayMs === undefined ? {} : { startDelayMs }),
  });
  return { workers, received, listeners, controller };
}

const types = (messages: readonly { type: string }[]): string[] => messages.map((message) => message.type);

describe('SyncController', () => {
  it('starts one worker per ICB, each initialised with only its ICB, and a run after load when online', () => {
    const { workers, controller } = fakes(true);
    controller.start();
    expect(odsCodes.length).toBeGreaterThan(1);
    expect(workers.map((worker) => worker.odsCode)).toEqual(odsCodes);
    for (const worker of workers) {
      expect(types(worker.posted)).toEqual(['init', 'run']);
      const init = worker.posted[0];
      expect(init?.type === 'init' && init.profile.icbs.map((icb) => icb.odsCode)).toEqual([worker.odsCode]);
    }
    controller.dispose();
  });

  it('waits while offline, pauses every worker when the signal goes, and runs by itself when it returns', () => {
    const { workers, listeners, controller } = fakes(false);
    controller.start();
    // Offline, no run is wanted, so no worker is started (each would parse the whole sync engine).
    expect(workers).toEqual([]);
    listeners.get('online')?.();
    expect(workers.map((worker) => worker.odsCode)).toEqual(odsCodes);
    for (const worker of workers) {
      expect(types(worker.posted)).toEqual(['init', 'run']);
      expect(worker.posted.at(-1)).toEqual({ type: 'run', reason: 'online' });
    }
    listeners.get('offline')?.();
    for (const worker of workers) expect(worker.posted.at(-1)).toEqual({ type: 'pause' });
    controller.syncNow();
    for (const worker of workers) expect(worker.posted.at(-1)).toEqual({ type: 'run', reason: 'button' });
    controller.dispose();
    expect(listeners.size).toBe(0);
    for (const worker of workers) expect(worker.terminate).toHaveBeenCalled();
  });

  it('waits out start-up before the run after load, unless "Sync now" asks first', () => {
    vi.useFakeTimers();
    try {
      const waited = fakes(true, 2_000);
      waited.controller.start();
      vi.advanceTimersByTime(1_999);
      expect(waited.workers).toEqual([]);
      vi.advanceTimersByTime(1);
      for (const worker of waited.workers) expect(types(worker.posted)).toEqual(['init', 'run']);
      waited.controller.dispose();

      const pressed = fakes(true, 2_000);
      pressed.controller.start();
      pressed.controller.syncNow();
      expect(pressed.workers.map((worker) => worker.odsCode)).toEqual(odsCodes);
      vi.advanceTimersByTime(60_000);
      // The button's run served as the run after load: one run each, from workers started once.
      expect(pressed.workers).toHaveLength(odsCodes.length);
      for (const worker of pressed.workers) {
        expect(worker.posted).toEqual([
          expect.objectContaining({ type: 'init' }),
          { type: 'run', reason: 'button' },
        ]);
      }
      pressed.controller.dispose();

      // Disposed before the delay ran out: nothing is started afterwards.
      const closed = fakes(true, 2_000);
      closed.controller.start();
      closed.controller.dispose();
      vi.advanceTimersByTime(60_000);
      expect(closed.workers).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for a run every interval', () => {
    vi.useFakeTimers();
    try {
      const { workers, controller } = fakes(true);
      controller.start();
      vi.advanceTimersByTime(15 * 60_000);
      for (const worker of workers)
        expect(types(worker.posted).filter((type) => type === 'run')).toHaveLength(2);
      controller.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells the page of one run: started with the first worker, finished with the last', () => {
    const { workers, received, controller } = fakes(true);
    controller.start();
    const [first, second, third] = workers;
    if (first === undefined || second === undefined || third === undefined) throw new Error('three ICBs');

    for (const worker of workers) worker.send({ type: 'run-started', reason: 'start' });
    const progress: FromWorker = {
      type: 'pull-event',
      event: { type: 'paused', icb: second.odsCode },
    };
    second.send(progress);
    first.send({
      type: 'run-finished',
      results: { [first.odsCode]: { kind: 'completed', lastCompletedAt: '2026-12-02T01:00:00Z' } },
      purged: [],
    });
    second.send({ type: 'worker-error', message: 'the store could not be opened' });
    expect(types(received)).toEqual(['run-started', 'pull-event', 'worker-error']);
    third.send({
      type: 'run-finished',
      results: { [third.odsCode]: { kind: 'offline', message: 'no route' } },
      purged: [third.odsCode],
    });
    expect(received.at(-1)).toEqual({
      type: 'run-finished',
      results: {
        [first.odsCode]: { kind: 'completed', lastCompletedAt: '2026-12-02T01:00:00Z' },
        [third.odsCode]: { kind: 'offline', message: 'no route' },
      },
      purged: [third.odsCode],
    });
    // A later run of one worker alone is a run of its own.
    first.send({ type: 'run-started', reason: 'timer' });
    first.send({ type: 'run-finished', results: {}, purged: [] });
    expect(types(received).slice(-2)).toEqual(['run-started', 'run-finished']);
    controller.dispose();
  });
});
