// Builds the one object the preload exposes as `window.kerbside`: named functions over the IPC contract, with no
// ipcRenderer, no channel-name parameter, and no Electron event object handed to the page.
import type { IpcCalls, IpcChannel, IpcEventName, IpcEvents, IpcResult, KerbsideApi } from './ipc-contract';

/** The part of Electron's `ipcRenderer` the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createKerbsideApi(ipc: IpcRendererLike) {
  const call = <C extends IpcChannel>(
    channel: C,
    ...args: IpcCalls[C]['args']
  ): Promise<IpcResult<IpcCalls[C]['result']>> =>
    // The one trust point of the preload: main's handlers (ipc-handlers.ts) only ever reply with this shape.
    ipc.invoke(channel, ...args) as Promise<IpcResult<IpcCalls[C]['result']>>;

  const subscribe =
    <E extends IpcEventName>(name: E) =>
    (listener: (payload: IpcEvents[E]) => void): (() => void) => {
      const wrapped = (_event: unknown, payload: unknown) => {
        listener(payload as IpcEvents[E]);
      };
      ipc.on(name, wrapped);
      return () => {
        ipc.removeListener(name, wrapped);
      };
    };

  return {
    platform: 'electron',
    deviceStatus: () => call('device:status'),
    validateProfile: (profileJson: string) => call('provisioning:validate', profileJson),
    applyProfile: (profileJson: string) => call('provisioning:apply', profileJson),
    deprovision: (confirm: { deviceId: string }) => call('provisioning:deprovision', confirm),
    unwrapDataKey: () => call('vault:unwrap-data-key'),
    reportDatabaseCounts: (report) => call('database:report-counts', report),
    completePurge: (done: { districts: string[] }) => call('database:purge-complete', done),
    onProvisioningChanged: subscribe('provisioning:changed'),
    onPurgeRequested: subscribe('database:purge-requested'),
    onUpdateStatus: subscribe('updates:status'),
  } satisfies KerbsideApi;
}
