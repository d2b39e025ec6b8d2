// The one IPC contract between main and renderer: TYPES ONLY. Calls (`domain:verb` -> args and result), events
// pushed to the renderer, and the API object the preload exposes as `window.kerbside`.
import type { ProfileIssue } from '../sync/provisioning-profile';
import type { ProfileSummary } from './stored-profile';

export type { ProfileIssue, ProfileSummary };

export type IpcErrorCode =
  | 'forbidden-sender'
  | 'not-permitted'
  | 'invalid-arguments'
  | 'profile-invalid'
  | 'vault-unavailable'
  | 'vault-corrupt'
  | 'not-provisioned'
  | 'internal';

export interface IpcError {
  readonly code: IpcErrorCode;
  readonly message: string;
}

export type IpcResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/** Who is using the app. PIN unlock (a separate issue) will move a session between these. */
export type AccessRole = 'locked' | 'crew' | 'it';

export type VaultState =
  | { readonly kind: 'available'; readonly backend: string }
  | { readonly kind: 'unavailable'; readonly backend: string; readonly message: string };

/** Counts the renderer's database last reported (main cannot read IndexedDB itself). */
export interface DatabaseReport {
  readonly reportedAt: string;
  readonly icbs: readonly {
    readonly odsCode: string;
    readonly patients: number;
    /** When this ICB's cache was last refreshed (ISO 8601), or null if never. */
    readonly lastRefreshedAt: string | null;
  }[];
  readonly queuedNotes: number;
}

export interface DeviceStatus {
  readonly app: { readonly version: string; readonly platform: string };
  readonly provisioned: boolean;
  readonly profile: ProfileSummary | null;
  readonly callsign: string | null;
  readonly vault: VaultState;
  /** The district list the renderer must purge to before showing patients, if a re-provision asked for one. */
  readonly pendingPurge: PurgeRequest | null;
  readonly database:
    | { readonly kind: 'never-reported' }
    | (DatabaseReport & {
        readonly kind: 'reported';
        readonly icbAgeHours: Readonly<Record<string, number | null>>;
      });
  readonly storageBytes: number;
  /** A managed profile (MDM) that was found but not applied, with its problems. */
  readonly managedProfile: { readonly path: string; readonly issues: readonly ProfileIssue[] } | null;
}

export interface PurgeRequest {
  readonly districts: readonly string[];
  readonly requestedAt: string;
}

export type ProvisioningOutcome =
  | { readonly kind: 'applied'; readonly profile: ProfileSummary; readonly purgedOutsideArea: boolean }
  | { readonly kind: 'invalid'; readonly issues: readonly ProfileIssue[] };

export type UpdateStatus =
  | { readonly kind: 'not-configured' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'up-to-date'; readonly version: string }
  | { readonly kind: 'downloading'; readonly version: string | null; readonly percent: number }
  | { readonly kind: 'ready-to-install'; readonly version: string }
  | { readonly kind: 'error'; readonly message: string };

/** Calls from renderer to main: channel -> positional args and the result value. */
export interface IpcCalls {
  'device:status': { args: []; result: DeviceStatus };
  'provisioning:validate': { args: [profileJson: string]; result: readonly ProfileIssue[] };
  'provisioning:apply': { args: [profileJson: string]; result: ProvisioningOutcome };
  'provisioning:deprovision': { args: [confirm: { deviceId: string }]; result: { relaunching: true } };
  'vault:unwrap-data-key': { args: []; result: { key: Uint8Array } };
  'database:report-counts': { args: [report: DatabaseReport]; result: null };
  'database:purge-complete': { args: [done: { districts: string[] }]; result: null };
}

export type IpcChannel = keyof IpcCalls;

/** Events pushed from main to the renderer. */
export interface IpcEvents {
  'provisioning:changed': ProfileSummary | null;
  'database:purge-requested': PurgeRequest;
  'updates:status': UpdateStatus;
}

export type IpcEventName = keyof IpcEvents;

/** The object the preload exposes as `window.kerbside`; the renderer may `import type` it. */
export interface KerbsideApi {
  readonly platform: 'electron';
  deviceStatus(): Promise<IpcResult<DeviceStatus>>;
  validateProfile(profileJson: string): Promise<IpcResult<readonly ProfileIssue[]>>;
  applyProfile(profileJson: string): Promise<IpcResult<ProvisioningOutcome>>;
  deprovision(confirm: { deviceId: string }): Promise<IpcResult<{ relaunching: true }>>;
  unwrapDataKey(): Promise<IpcResult<{ key: Uint8Array }>>;
  reportDatabaseCounts(report: DatabaseReport): Promise<IpcResult<null>>;
  completePurge(done: { districts: string[] }): Promise<IpcResult<null>>;
  onProvisioningChanged(listener: (profile: ProfileSummary | null) => void): () => void;
  onPurgeRequested(listener: (request: PurgeRequest) => void): () => void;
  onUpdateStatus(listener: (status: UpdateStatus) => void): () => void;
}
