// Device provisioning for trust IT: apply a profile (secrets to the vault, area purge on re-provision), report the
// device's state, and deprovision (wipe everything in the user-data folder). DESIGN.md §2.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProfileJson, type ProfileIssue } from '../sync/provisioning-profile';
import type { DatabaseReport, DeviceStatus, ProvisioningOutcome, PurgeRequest } from './ipc-contract';
import type { KeyVault } from './key-vault';
import {
  parseStoredProfileFile,
  redactProfile,
  summariseProfile,
  type ProfileSourceKind,
  type ProfileSummary,
  type StoredProfileFile,
} from './stored-profile';

/** What provisioning needs from the local patient database (built in the renderer, another issue). */
export interface PatientDatabase {
  /** Removes every cached patient whose postcode district is not in `districts`. */
  purgeOutsideArea(districts: readonly string[]): Promise<void>;
  counts(): Promise<DatabaseCounts>;
  /** Removes the whole database. */
  wipe(): Promise<void>;
}

export interface DatabaseCounts {
  /** The last counts the database reported, or null if it never has. */
  readonly report: DatabaseReport | null;
  /** A purge that was requested and not yet confirmed done. */
  readonly pendingPurge: PurgeRequest | null;
}

export interface ProvisioningOptions {
  readonly userDataDir: string;
  readonly vault: KeyVault;
  readonly database: PatientDatabase;
  readonly now?: () => Date;
  readonly onChanged?: (profile: ProfileSummary | null) => void;
}

export interface ProfileSource {
  readonly kind: ProfileSourceKind;
  readonly path?: string;
}

export type ManagedProfileResult =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'applied'; readonly outcome: ProvisioningOutcome & { kind: 'applied' } }
  | { readonly kind: 'invalid'; readonly path: string; readonly issues: readonly ProfileIssue[] };

const PROFILE_FILE = 'profile.json';

export class Provisioning {
  private readonly profileFile: string;
  private readonly now: () => Date;
  private managedIssues: { path: string; issues: readonly ProfileIssue[] } | null = null;

  constructor(private readonly options: ProvisioningOptions) {
    this.profileFile = join(options.userDataDir, PROFILE_FILE);
    this.now = options.now ?? (() => new Date());
  }

  /** The stored (redacted) profile, or null when the device is not provisioned. */
  async current(): Promise<StoredProfileFile | null> {
    let text: string;
    try {
      text = await readFile(this.profileFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = parseStoredProfileFile(JSON.parse(text));
    if (!parsed.ok)
      throw new Error(
        `the stored profile ${this.profileFile} is damaged: ${parsed.issues.map((i) => i.path).join(', ')}`,
      );
    return parsed.file;
  }

  /** Every problem with a candidate profile, each with its JSON path; empty when it is valid. */
  validate(profileJson: string): readonly ProfileIssue[] {
    const result = parseProfileJson(profileJson);
    return result.ok ? [] : result.issues;
  }

  /**
   * Validates and applies a profile. Secrets go to the vault (refused if the OS cannot protect them); the stored
   * profile keeps references. Re-provisioning to a different area asks the database to purge outside it first,
   * so a crash in between can only purge too early, never leave out-of-area patients behind.
   */
  async apply(profileJson: string, source: ProfileSource): Promise<ProvisioningOutcome> {
    const parsed = parseProfileJson(profileJson);
    if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues };
    const { profile, secrets } = redactProfile(parsed.profile);
    if (secrets.size > 0) await this.options.vault.assertAvailable();

    const previous = await this.current();
    const previousDistricts = new Set(previous?.profile.area.postcodeDistricts ?? []);
    const districts = profile.area.postcodeDistricts;
    const areaChanged =
      previous !== null &&
      (previousDistricts.size !== new Set(districts).size ||
        districts.some((d) => !previousDistricts.has(d)));
    if (areaChanged) await this.options.database.purgeOutsideArea(districts);

    await this.options.vault.replaceSecrets(secrets);
    const file: StoredProfileFile = {
      format: 1,
      appliedAt: this.now().toISOString(),
      source: {
        kind: source.kind,
        ...(source.path === undefined ? {} : { path: source.path }),
        sha256: sha256(profileJson),
      },
      profile,
    };
    await mkdir(this.options.userDataDir, { recursive: true });
    const temporary = `${this.profileFile}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.profileFile);
    const summary = summariseProfile(file);
    this.options.onChanged?.(summary);
    return { kind: 'applied', profile: summary, purgedOutsideArea: areaChanged };
  }

  /**
   * Applies the machine-wide profile an MDM tool (e.g. Intune) placed at `path`, when it differs from the one in
   * force. The managed profile wins over one applied by hand: it is the trust's policy for the machine.
   */
  async applyManaged(path: string): Promise<ManagedProfileResult> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.managedIssues = null;
        return { kind: 'absent' };
      }
      throw error;
    }
    const current = await this.current();
    if (current?.source.sha256 === sha256(text)) {
      this.managedIssues = null;
      return { kind: 'unchanged' };
    }
    const outcome = await this.apply(text, { kind: 'managed', path });
    if (outcome.kind === 'invalid') {
      this.managedIssues = { path, issues: outcome.issues };
      return { kind: 'invalid', path, issues: outcome.issues };
    }
    this.managedIssues = null;
    return { kind: 'applied', outcome };
  }

  /** Wipes the database, the vault, caches and every other file in the user-data folder, then the folder. */
  async deprovision(): Promise<void> {
    await this.options.database.wipe();
    await this.options.vault.destroy();
    await rm(this.options.userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    this.options.onChanged?.(null);
  }

  /** The device's state for fleet tools (`--status`) and the renderer: no secrets, no vault references. */
  async status(app: DeviceStatus['app']): Promise<DeviceStatus> {
    const file = await this.current();
    const counts = await this.options.database.counts();
    const now = this.now().getTime();
    const report = counts.report;
    return {
      app,
      provisioned: file !== null,
      profile: file === null ? null : summariseProfile(file),
      callsign: file?.profile.device.callsign ?? null,
      vault: await this.options.vault.state(),
      pendingPurge: counts.pendingPurge,
      database:
        report === null
          ? { kind: 'never-reported' }
          : {
              kind: 'reported',
              ...report,
              icbAgeHours: Object.fromEntries(
                report.icbs.map((icb) => [
                  icb.odsCode,
                  icb.lastRefreshedAt === null
                    ? null
                    : Math.round(((now - Date.parse(icb.lastRefreshedAt)) / 3_600_000) * 10) / 10,
                ]),
              ),
            },
      storageBytes: await directorySize(this.options.userDataDir),
      managedProfile: this.managedIssues,
    };
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Total bytes of the files under `dir` (0 when it does not exist). */
export async function directorySize(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/** Where an MDM tool puts the machine-wide profile: `%ProgramData%\Kerbside\profile.json` or `/etc/kerbside/…`. */
export function managedProfilePath(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (platform === 'win32')
    return `${env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'}\\Kerbside\\profile.json`;
  if (platform === 'darwin') return '/Library/Application Support/Kerbside/profile.json';
  return '/etc/kerbside/profile.json';
}
