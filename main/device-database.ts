// The Electron side of the patient database: the database itself lives in the renderer (IndexedDB), so main
// records purge requests durably, keeps the renderer's last reported counts, and wipes through the session.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Session } from 'electron';
import { z } from '../sync/zod';
import type { DatabaseReport, PurgeRequest } from './ipc-contract';
import type { DatabaseCounts, PatientDatabase } from './provisioning';

/** The part of Electron's `Session` used to wipe the renderer's storage. */
export type SessionStorageLike = Pick<Session, 'clearStorageData' | 'clearCache' | 'clearAuthCache'>;

export const databaseReportSchema = z.strictObject({
  reportedAt: z.iso.datetime(),
  icbs: z.array(
    z.strictObject({
      odsCode: z.string().regex(/^[A-Z0-9]{3}$/),
      patients: z.number().int().min(0),
      lastRefreshedAt: z.iso.datetime().nullable(),
    }),
  ),
  queuedNotes: z.number().int().min(0),
});

const purgeRequestSchema = z.strictObject({
  districts: z.array(z.string()),
  requestedAt: z.iso.datetime(),
});

export interface RendererDatabaseOptions {
  readonly userDataDir: string;
  /**
   * The session whose IndexedDB holds the database; null when the real session is not open (command-line runs
   * use a throwaway session, and deprovisioning then deletes the database files directly).
   */
  readonly session: SessionStorageLike | null;
  /** Tells a running renderer to purge now; it confirms with `database:purge-complete`. */
  readonly notifyPurge?: (request: PurgeRequest) => void;
  readonly now?: () => Date;
}

export class RendererPatientDatabase implements PatientDatabase {
  private readonly dir: string;
  private readonly now: () => Date;

  constructor(private readonly options: RendererDatabaseOptions) {
    this.dir = join(options.userDataDir, 'database');
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records the purge durably before telling the renderer, so a renderer that is closed (or crashes) performs it
   * at its next start, before it shows any patient (`device:status` carries `pendingPurge`).
   */
  async purgeOutsideArea(districts: readonly string[]): Promise<void> {
    const request: PurgeRequest = { districts: [...districts], requestedAt: this.now().toISOString() };
    await this.writeJson('pending-purge.json', request);
    this.options.notifyPurge?.(request);
  }

  /** The renderer finished a purge; the request is cleared only if it was for the same districts. */
  async completePurge(districts: readonly string[]): Promise<void> {
    const pending = await this.readJson('pending-purge.json', purgeRequestSchema, 'throw');
    if (pending === null) return;
    const same =
      pending.districts.length === districts.length && pending.districts.every((d) => districts.includes(d));
    if (same) await rm(join(this.dir, 'pending-purge.json'), { force: true });
  }

  async recordReport(report: DatabaseReport): Promise<void> {
    await this.writeJson('last-report.json', report);
  }

  async counts(): Promise<DatabaseCounts> {
    return {
      report: await this.readJson('last-report.json', databaseReportSchema, 'ignore'),
      pendingPurge: await this.readJson('pending-purge.json', purgeRequestSchema, 'throw'),
    };
  }

  /** Clears every kind of web storage of the session (IndexedDB included), its caches, then main's own files. */
  async wipe(): Promise<void> {
    if (this.options.session !== null) {
      await this.options.session.clearStorageData();
      await this.options.session.clearCache();
      await this.options.session.clearAuthCache();
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async writeJson(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, name);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(value), { mode: 0o600 });
    await rename(temporary, file);
  }

  private async readJson<T>(
    name: string,
    schema: z.ZodType<T>,
    ifDamaged: 'ignore' | 'throw',
  ): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(join(this.dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // Stale counts only mislead `--status`; a lost purge request could leave out-of-area patients, so it stops.
    if (ifDamaged === 'throw') throw new Error(`the database bookkeeping file ${name} is damaged`);
    console.warn(`kerbside: ignoring the damaged ${name} in the database folder`);
    return null;
  }
}
