import { describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../../sync/provisioning-profile';
import { SyncController, type WorkerPort } from '../../../renderer/src/background-sync/sync-controller';
import type { ToWorker } from '../../../renderer/src/background-sync/worker-protocol';
import crew from '../../../demo/profiles/crew.json';

function fakes(onLine: boolean) {
  const posted: ToWorker[] = [];
  const terminate = vi.fn();
  const listeners = new Map<string, () => void>();
  const worker: WorkerPort = {
    postMessage: (message: ToWorker) => posted.push(message),
    addEventListener: () => undefined,
    terminate,
  };
  const connectivity = {
    navigator: { onLine },
    addEventListener: (type: string, listener: () => void) => listeners.set(type, listener),
    removeEventListener: (type: string) => listeners.delete(type),
  };
  const controller = new SyncController({
    createWorker: () => worker,
    profile: crew as unknown as Profile,
    keyMaterial: new Uint8Array(32),
    storeName: 'test',
    intervalMinutes: 15,
    onMessage: () => undefined,
    onConnectivity: (online) => (connectivity.navigator.onLine = online),
    connectivity,
  });
  return { posted, listeners, controller, terminate };
}

describe('SyncController', () => {
  it('starts the worker and a run after load when online', () => {
    const { posted, controller } = fakes(true);
    controller.start();
    expect(posted.map((message) => message.type)).toEqual(['init', 'run']);
    controller.dispose();
  });

  it('waits while offline, pauses when the signal goes, and runs by itself when it returns', () => {
    const { posted, listeners, controller, terminate } = fakes(false);
    controller.start();
    expect(posted.map((message) => message.type)).toEqual(['init']);
    listeners.get('online')?.();
    expect(posted.at(-1)).toEqual({ type: 'run', reason: 'online' });
    listeners.get('offline')?.();
    expect(posted.at(-1)).toEqual({ type: 'pause' });
    controller.syncNow();
    expect(posted.at(-1)).toEqual({ type: 'run', reason: 'button' });
    controller.dispose();
    expect(listeners.size).toBe(0);
    expect(terminate).toHaveBeenCalled();
  });

  it('asks for a run every interval', () => {
    vi.useFakeTimers();
    try {
      const { posted, controller } = fakes(true);
      controller.start();
      vi.advanceTimersByTime(15 * 60_000);
      expect(posted.filter((message) => message.type === 'run')).toHaveLength(2);
      controller.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
