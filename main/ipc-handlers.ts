// The only module that registers IPC handlers: each call's sender must be the app's own frame, its arguments
// pass a zod schema, the caller's role is checked, and the reply is `{ ok, value } | { ok, error: { code, message } }`.
import { z } from '../sync/zod';
import { databaseReportSchema } from './device-database';
import { AccessDeniedError, InvalidArgumentsError, toIpcError } from './errors';
import type {
  AccessRole,
  DatabaseReport,
  DeviceStatus,
  IpcCalls,
  IpcChannel,
  IpcEventName,
  IpcEvents,
  IpcResult,
  ProfileIssue,
  ProvisioningOutcome,
} from './ipc-contract';
import { APP_ORIGIN } from './app-protocol';
import { originKey } from './window-options';

/** The documented shape of `IpcMainInvokeEvent` that the sender check reads. */
export interface IpcInvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
}

/** What the handlers call; index.ts builds it from the real modules, tests from fakes. */
export interface IpcServices {
  /** The current session's role. PIN unlock (a separate issue) changes it; until then main wires a fixed role. */
  role(): AccessRole;
  deviceStatus(): Promise<DeviceStatus>;
  validateProfile(profileJson: string): readonly ProfileIssue[];
  applyProfile(profileJson: string): Promise<ProvisioningOutcome>;
  /** The provisioned device id, to confirm a deprovision is meant for this device. */
  deviceId(): Promise<string | null>;
  /** Wipes the session's storage now, then restarts into `--deprovision` to delete the files. */
  deprovisionAndRelaunch(): Promise<void>;
  dataKey(): Promise<Uint8Array>;
  recordDatabaseReport(report: DatabaseReport): Promise<void>;
  completePurge(districts: readonly string[]): Promise<void>;
}

/** A profile file is small; this bounds what a compromised renderer can make main parse. */
const profileText = z.string().min(2).max(1_000_000);

/** Argument schemas, one per channel; the mapped type makes a missing or mistyped channel a compile error. */
const argumentSchemas = {
  'device:status': z.tuple([]),
  'provisioning:validate': z.tuple([profileText]),
  'provisioning:apply': z.tuple([profileText]),
  'provisioning:deprovision': z.tuple([z.strictObject({ deviceId: z.string().min(1).max(64) })]),
  'vault:unwrap-data-key': z.tuple([]),
  'database:report-counts': z.tuple([databaseReportSchema]),
  'database:purge-complete': z.tuple([z.strictObject({ districts: z.array(z.string().max(8)).max(10_000) })]),
} satisfies { [C in IpcChannel]: z.ZodType<IpcCalls[C]['args']> };
export const ipcArgumentSchemas: { readonly [C in IpcChannel]: z.ZodType<IpcCalls[C]['args']> } =
  argumentSchemas;

type RequiredRole = 'anyone' | 'crew' | 'it';

/** Who may call what: status even when locked (to show the lock screen), the data key to crew, provisioning to IT. */
export const ipcRequiredRoles: { readonly [C in IpcChannel]: RequiredRole } = {
  'device:status': 'anyone',
  'provisioning:validate': 'it',
  'provisioning:apply': 'it',
  'provisioning:deprovision': 'it',
  'vault:unwrap-data-key': 'crew',
  'database:report-counts': 'crew',
  'database:purge-complete': 'crew',
};

function permits(required: RequiredRole, role: AccessRole): boolean {
  switch (required) {
    case 'anyone':
      return true;
    case 'crew':
      return role === 'crew' || role === 'it';
    case 'it':
      return role === 'it';
    default: {
      const unexpected: never = required;
      throw new Error(`unexpected role requirement ${String(unexpected)}`);
    }
  }
}

/** True only for the app's own page: `app://kerbside/…`, parsed, not string-prefixed. */
export function isAppSender(event: IpcInvokeEventLike): boolean {
  const url = event.senderFrame?.url;
  return url !== undefined && originKey(url) === APP_ORIGIN;
}

type Handler<C extends IpcChannel> = (...args: IpcCalls[C]['args']) => Promise<IpcCalls[C]['result']>;

/** The typed helper: every handler goes through sender check, schema, role check and error mapping. */
function handle<C extends IpcChannel>(
  ipcMain: IpcMainLike,
  services: IpcServices,
  channel: C,
  handler: Handler<C>,
  log: (message: string) => void,
): void {
  const schema: z.ZodType<IpcCalls[C]['args']> = ipcArgumentSchemas[channel];
  ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<IpcCalls[C]['result']>> => {
    try {
      if (!isAppSender(event)) {
        log(`refused ${channel} from a frame that is not the app`);
        throw new AccessDeniedError('forbidden-sender', `${channel} may only be called by the Kerbside app`);
      }
      const parsed = schema.safeParse(args);
      if (!parsed.success) {
        // Paths and messages only: the rejected values may be patient data.
        const where = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`,
        );
        throw new InvalidArgumentsError(`invalid arguments for ${channel}: ${where.join('; ')}`);
      }
      if (!permits(ipcRequiredRoles[channel], services.role()))
        throw new AccessDeniedError(
          'not-permitted',
          `${channel} needs the ${ipcRequiredRoles[channel]} role`,
        );
      return { ok: true, value: await handler(...parsed.data) };
    } catch (error) {
      const ipcError = toIpcError(error);
      if (ipcError.code === 'internal') log(`${channel} failed: ${String(error)}`);
      return { ok: false, error: ipcError };
    }
  });
}

/** Registers every channel of the contract. Call once, after `app` is ready. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  services: IpcServices,
  log: (message: string) => void = () => undefined,
): void {
  const on = <C extends IpcChannel>(channel: C, handler: Handler<C>) => {
    handle(ipcMain, services, channel, handler, log);
  };
  on('device:status', () => services.deviceStatus());
  on('provisioning:validate', (profileJson) => Promise.resolve(services.validateProfile(profileJson)));
  on('provisioning:apply', (profileJson) => services.applyProfile(profileJson));
  on('provisioning:deprovision', async ({ deviceId }) => {
    const current = await services.deviceId();
    if (current === null || current !== deviceId)
      throw new InvalidArgumentsError('the confirmation does not name this device’s id');
    await services.deprovisionAndRelaunch();
    return { relaunching: true };
  });
  on('vault:unwrap-data-key', async () => ({ key: await services.dataKey() }));
  on('database:report-counts', async (report) => {
    await services.recordDatabaseReport(report);
    return null;
  });
  on('database:purge-complete', async ({ districts }) => {
    await services.completePurge(districts);
    return null;
  });
}

/** The part of `WebContents` used to push events. */
export interface EventTarget {
  send(channel: string, payload: unknown): void;
}

/** Pushes a typed event to the renderer. */
export function sendEvent<E extends IpcEventName>(target: EventTarget, name: E, payload: IpcEvents[E]): void {
  target.send(name, payload);
}
