// Builds the main process's services from their Electron dependencies (injected), and keeps the stored profile
// in memory for the synchronous parts: the CSP header and the profile route of app://.
import { contentSecurityPolicy, provisionedConnectOrigins } from './content-security-policy';
import { RendererPatientDatabase, type SessionStorageLike } from './device-database';
import type { IpcServices } from './ipc-handlers';
import type { AccessRole, DeviceStatus, PurgeRequest } from './ipc-contract';
import { KeyVault, type SafeStorageLike } from './key-vault';
import { Provisioning } from './provisioning';
import type { ProfileSummary, StoredProfileFile } from './stored-profile';

export interface AppServicesOptions {
  readonly userDataDir: string;
  readonly platform: NodeJS.Platform;
  readonly app: DeviceStatus['app'];
  readonly safeStorage: SafeStorageLike;
  /** The default session when the app runs; null for one-shot command-line runs. */
  readonly session: SessionStorageLike | null;
  /**
   * The role of whoever uses the renderer. PIN unlock is a separate issue: until it lands index.ts passes a fixed
   * 'crew' (the OS login is the only gate), so IT operations are available from the command line only.
   */
  readonly role: () => AccessRole;
  /** Clears nothing itself: restarts the app into `--deprovision` once the session storage is cleared. */
  readonly relaunchIntoDeprovision: () => void;
  readonly onProfileChanged?: (profile: ProfileSummary | null) => void;
  readonly onPurgeRequested?: (request: PurgeRequest) => void;
  readonly now?: () => Date;
}

export interface AppServices {
  readonly vault: KeyVault;
  readonly database: RendererPatientDatabase;
  readonly provisioning: Provisioning;
  readonly ipc: IpcServices;
  /** Reloads the stored profile into memory (after start, or after a change). */
  refresh(): Promise<StoredProfileFile | null>;
  /** The CSP for the profile in force: connect-src gets exactly its origins. */
  contentSecurityPolicy(): string;
  /** The redacted profile for the renderer's `provisioning/profile.json`, or null. */
  profileJson(): Promise<string | null>;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const now = options.now ?? (() => new Date());
  const vault = new KeyVault({
    userDataDir: options.userDataDir,
    safeStorage: options.safeStorage,
    platform: options.platform,
  });
  const database = new RendererPatientDatabase({
    userDataDir: options.userDataDir,
    session: options.session,
    now,
    ...(options.onPurgeRequested ? { notifyPurge: options.onPurgeRequested } : {}),
  });
  let current: StoredProfileFile | null = null;
  const provisioning = new Provisioning({
    userDataDir: options.userDataDir,
    vault,
    database,
    now,
    onChanged: (summary) => {
      options.onProfileChanged?.(summary);
    },
  });
  const refresh = async () => {
    current = await provisioning.current();
    return current;
  };

  const ipc: IpcServices = {
    role: options.role,
    deviceStatus: () => provisioning.status(options.app),
    validateProfile: (profileJson) => provisioning.validate(profileJson),
    applyProfile: async (profileJson) => {
      const outcome = await provisioning.apply(profileJson, { kind: 'settings' });
      await refresh();
      return outcome;
    },
    deviceId: async () => (await provisioning.current())?.profile.device.id ?? null,
    deprovisionAndRelaunch: async () => {
      await database.wipe();
      options.relaunchIntoDeprovision();
    },
    dataKey: () => vault.dataKey(),
    recordDatabaseReport: (report) => database.recordReport(report),
    completePurge: (districts) => database.completePurge(districts),
  };

  return {
    vault,
    database,
    provisioning,
    ipc,
    refresh,
    contentSecurityPolicy: () => contentSecurityPolicy(provisionedConnectOrigins(current?.profile ?? null)),
    profileJson: async () => {
      const file = await refresh();
      return file === null ? null : JSON.stringify(file.profile);
    },
  };
}
