// The few named errors of the main process, and how any error becomes the `{ code, message }` that crosses IPC.
import type { ProfileIssue } from '../sync/provisioning-profile';
import type { IpcError, IpcErrorCode } from './ipc-contract';

/** Base class: every Kerbside error carries a stable code that callers (and the renderer) can switch on. */
export abstract class KerbsideError extends Error {
  abstract readonly code: IpcErrorCode;
}

/** The provisioning profile failed validation; `issues` names the JSON path of every problem. */
export class ProfileInvalidError extends KerbsideError {
  readonly code = 'profile-invalid';
  constructor(readonly issues: readonly ProfileIssue[]) {
    super(
      `the provisioning profile is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
    );
    this.name = 'ProfileInvalidError';
  }
}

export type VaultUnavailableReason = 'encryption-unavailable' | 'linux-basic-text' | 'linux-backend-unknown';

/** The operating system cannot protect secrets, so Kerbside refuses to store them (or patient data). */
export class VaultUnavailableError extends KerbsideError {
  readonly code = 'vault-unavailable';
  constructor(
    readonly reason: VaultUnavailableReason,
    message: string,
  ) {
    super(message);
    this.name = 'VaultUnavailableError';
  }
}

/** The vault's files exist but cannot be read back (another OS user, a restored backup, tampering). */
export class VaultCorruptError extends KerbsideError {
  readonly code = 'vault-corrupt';
  constructor(message: string) {
    super(message);
    this.name = 'VaultCorruptError';
  }
}

/** An operation that needs a provisioned device was asked of one that is not provisioned. */
export class NotProvisionedError extends KerbsideError {
  readonly code = 'not-provisioned';
  constructor() {
    super('this device is not provisioned: trust IT must run `kerbside --provision profile.json`');
    this.name = 'NotProvisionedError';
  }
}

/** The caller is not allowed to do this: a foreign sender, or a role that may not (crew asking for IT work). */
export class AccessDeniedError extends KerbsideError {
  constructor(
    readonly code: 'forbidden-sender' | 'not-permitted',
    message: string,
  ) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** IPC arguments failed their schema. */
export class InvalidArgumentsError extends KerbsideError {
  readonly code = 'invalid-arguments';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentsError';
  }
}

/** Used in the `default` of every switch over a union: a new member becomes a compile error. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/**
 * The error as it may cross IPC or reach a console: code and message only, never a stack trace. Unknown errors
 * are reported as `internal` with a fixed message, because their text may contain paths or data.
 */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof KerbsideError) return { code: error.code, message: error.message };
  return {
    code: 'internal',
    message: 'Kerbside hit an internal error; the main-process log has the details.',
  };
}
