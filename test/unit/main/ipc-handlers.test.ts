import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../main/app-services';
import type { AccessRole, IpcChannel, IpcResult, KerbsideApi } from '../../../main/ipc-contract';
import { ipcArgumentSchemas, ipcRequiredRoles, registerIpcHandlers } from '../../../main/ipc-handlers';
import { createKerbsideApi, type IpcRendererLike } from '../../../main/preload-api';
import {
  FakeIpcMain,
  FakeSafeStorage,
  profileWithSecrets,
  SECRET_VALUES,
  temporaryDirectory,
} from './support/fake-electron';

const APP_PAGE = 'app://kerbside/index.html';

describe('IPC handlers', () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  let ipcMain: FakeIpcMain;
  let role: AccessRole;
  let relaunched: number;
  let logs: string[];

  beforeEach(() => {
    dir = temporaryDirectory();
    ipcMain = new FakeIpcMain();
    role = 'it';
    relaunched = 0;
    logs = [];
    const services = createAppServices({
      userDataDir: dir.path,
      platform: 'linux',
      app: { version: '0.1.0', platform: 'linux' },
      safeStorage: new FakeSafeStorage(),
      session: null,
      role: () => role,
      relaunchIntoDeprovision: () => {
        relaunched++;
      },
    });
    registerIpcHandlers(ipcMain, services.ipc, (message) => logs.push(message));
  });
  afterEach(() => {
    dir.remove();
  });

  const call = (channel: IpcChannel, sender: string | null, ...args: unknown[]) =>
    ipcMain.invoke(channel, sender, ...args) as Promise<IpcResult<unknown>>;

  it('registers exactly the channels of the contract, each with a schema and a role', () => {
    const channels = Object.keys(ipcArgumentSchemas).sort();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(channels);
    expect(Object.keys(ipcRequiredRoles).sort()).toEqual(channels);
    for (const channel of channels) expect(channel).toMatch(/^[a-z]+:[a-z-]+$/);
  });

  it.each([
    ['a web page', 'https://attacker.example/'],
    ['a look-alike host', 'app://kerbside.attacker/index.html'],
    ['a host with a suffix', 'https://kerbside.example.com.attacker.test/'],
    ['a file URL', 'file:///tmp/evil.html'],
    ['a data URL', 'data:text/html,<script>1</script>'],
    ['userinfo', 'app://x@kerbside/'],
    ['a destroyed frame', null],
  ])('refuses a call from %s', async (_name, sender) => {
    const result = await call('device:status', sender);
    expect(result).toEqual({
      ok: false,
      error: { code: 'forbidden-sender', message: 'device:status may only be called by the Kerbside app' },
    });
    expect(logs.join('\n')).toMatch(/refused device:status/);
  });

  it.each([
    ['device:status', [1]],
    ['provisioning:apply', []],
    ['provisioning:apply', [42]],
    ['provisioning:apply', ['x'.repeat(1_000_001)]],
    ['provisioning:deprovision', [{}]],
    ['provisioning:deprovision', [{ deviceId: 'demo-tablet-0042', force: true }]],
    ['database:report-counts', [{ reportedAt: 'yesterday', icbs: [], queuedNotes: 0 }]],
    ['database:report-counts', [{ reportedAt: '2025-03-01T10:00:00Z', icbs: [], queuedNotes: -1 }]],
    ['database:purge-complete', [{ districts: 'NG7' }]],
  ] as const)('rejects malformed arguments for %s with a typed error and no stack', async (channel, args) => {
    const result = await call(channel, APP_PAGE, ...args);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-arguments');
    expect(result.error.message).not.toMatch(/\n\s+at /);
    expect(Object.keys(result.error).sort()).toEqual(['code', 'message']);
  });

  it('does not echo rejected values (they may be patient data) in the error', async () => {
    const result = await call('database:purge-complete', APP_PAGE, { districts: ['Jane Smith 9434765919'] });
    expect(JSON.stringify(result)).not.toContain('9434765919');
  });

  it('applies a valid profile and returns a summary without secrets', async () => {
    const result = await call('provisioning:apply', APP_PAGE, JSON.stringify(profileWithSecrets()));
    expect(result).toMatchObject({
      ok: true,
      value: { kind: 'applied', profile: { device: { callsign: 'EM-A123' } } },
    });
    for (const secret of SECRET_VALUES) expect(JSON.stringify(result)).not.toContain(secret);
    const status = await call('device:status', APP_PAGE);
    expect(status).toMatchObject({ ok: true, value: { provisioned: true, callsign: 'EM-A123' } });
  });

  it('returns an invalid profile as a value with every issue path', async () => {
    const result = await call('provisioning:validate', APP_PAGE, JSON.stringify({ schemaVersion: 1 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect((result.value as { path: string }[]).map((issue) => issue.path)).toContain('device');
  });

  it('refuses IT operations to the crew role, but gives crew the data key', async () => {
    role = 'crew';
    const apply = await call('provisioning:apply', APP_PAGE, JSON.stringify(profileWithSecrets()));
    expect(apply).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    const key = await call('vault:unwrap-data-key', APP_PAGE);
    expect(key.ok && (key.value as { key: Uint8Array }).key.length).toBe(32);
    role = 'locked';
    expect(await call('vault:unwrap-data-key', APP_PAGE)).toMatchObject({
      ok: false,
      error: { code: 'not-permitted' },
    });
    expect((await call('device:status', APP_PAGE)).ok).toBe(true);
  });

  it('deprovisions only when the confirmation names this device, then relaunches', async () => {
    await call('provisioning:apply', APP_PAGE, JSON.stringify(profileWithSecrets()));
    const wrong = await call('provisioning:deprovision', APP_PAGE, { deviceId: 'another-device' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(relaunched).toBe(0);
    const right = await call('provisioning:deprovision', APP_PAGE, { deviceId: 'demo-tablet-0042' });
    expect(right).toEqual({ ok: true, value: { relaunching: true } });
    expect(relaunched).toBe(1);
  });

  it('turns unexpected failures into `internal` without the underlying message', async () => {
    const broken = new FakeIpcMain();
    registerIpcHandlers(broken, {
      role: () => 'it',
      deviceStatus: () => Promise.reject(new Error('EACCES: /home/crew/.config/Kerbside/profile.json')),
      validateProfile: () => [],
      applyProfile: () => Promise.reject(new Error('x')),
      deviceId: () => Promise.resolve(null),
      deprovisionAndRelaunch: () => Promise.resolve(),
      dataKey: () => Promise.reject(new Error('x')),
      recordDatabaseReport: () => Promise.resolve(),
      completePurge: () => Promise.resolve(),
    });
    const result = await broken.invoke('device:status', APP_PAGE);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Kerbside hit an internal error; the main-process log has the details.',
      },
    });
  });
});

describe('preload API', () => {
  /** ipcRenderer wired to a FakeIpcMain, sending from the app's page, as Electron would. */
  function connectedRenderer(ipcMain: FakeIpcMain) {
    const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
    const renderer: IpcRendererLike = {
      invoke: (channel, ...args) => ipcMain.invoke(channel, APP_PAGE, ...args),
      on: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
    };
    const emit = (channel: string, payload: unknown) => {
      for (const listener of listeners.get(channel) ?? [])
        listener({ sender: 'ipcRenderer internals' }, payload);
    };
    return { renderer, emit, listeners };
  }

  it('exposes named functions only: no ipcRenderer, no channel-name parameter', () => {
    const api: KerbsideApi = createKerbsideApi(connectedRenderer(new FakeIpcMain()).renderer);
    const { platform, ...functions } = api;
    expect(platform).toBe('electron');
    for (const [name, value] of Object.entries(functions)) expect(typeof value, name).toBe('function');
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('ipcRenderer');
  });

  it('every call of the API reaches a registered handler', async () => {
    const dir = temporaryDirectory();
    try {
      const ipcMain = new FakeIpcMain();
      const services = createAppServices({
        userDataDir: dir.path,
        platform: 'linux',
        app: { version: '0.1.0', platform: 'linux' },
        safeStorage: new FakeSafeStorage(),
        session: null,
        role: () => 'it',
        relaunchIntoDeprovision: () => undefined,
      });
      registerIpcHandlers(ipcMain, services.ipc);
      const api = createKerbsideApi(connectedRenderer(ipcMain).renderer);
      expect(await api.applyProfile(JSON.stringify(profileWithSecrets()))).toMatchObject({ ok: true });
      expect(await api.deviceStatus()).toMatchObject({ ok: true, value: { provisioned: true } });
      expect(await api.validateProfile('{}')).toMatchObject({ ok: true });
      expect(await api.unwrapDataKey()).toMatchObject({ ok: true });
      const report = { reportedAt: new Date().toISOString(), icbs: [], queuedNotes: 0 };
      expect(await api.reportDatabaseCounts(report)).toEqual({ ok: true, value: null });
      expect(await api.completePurge({ districts: ['NG7'] })).toEqual({ ok: true, value: null });
      expect(await api.deprovision({ deviceId: 'demo-tablet-0042' })).toEqual({
        ok: true,
        value: { relaunching: true },
      });
    } finally {
      dir.remove();
    }
  });

  it('event subscriptions pass only the payload (never the Electron event) and unsubscribe', () => {
    const { renderer, emit, listeners } = connectedRenderer(new FakeIpcMain());
    const api = createKerbsideApi(renderer);
    const received: unknown[][] = [];
    const stop = api.onUpdateStatus((...args: unknown[]) => received.push(args));
    emit('updates:status', { kind: 'checking' });
    expect(received).toEqual([[{ kind: 'checking' }]]);
    stop();
    expect(listeners.get('updates:status')?.size).toBe(0);
  });
});
