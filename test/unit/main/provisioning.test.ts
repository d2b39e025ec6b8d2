import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RendererPatientDatabase } from '../../../main/device-database';
import { VaultUnavailableError } from '../../../main/errors';
import type { DatabaseReport, PurgeRequest } from '../../../main/ipc-contract';
import { KeyVault } from '../../../main/key-vault';
import {
  managedProfilePath,
  Provisioning,
  type DatabaseCounts,
  type PatientDatabase,
} from '../../../main/provisioning';
import {
  FakeSafeStorage,
  profileWithSecrets,
  SECRET_VALUES,
  temporaryDirectory,
} from './support/fake-electron';

/** Records what provisioning asks of the database. */
class RecordingDatabase implements PatientDatabase {
  readonly calls: string[] = [];
  purged: (readonly string[])[] = [];
  purgeOutsideArea(districts: readonly string[]): Promise<void> {
    this.calls.push('purgeOutsideArea');
    this.purged.push([...districts]);
    return Promise.resolve();
  }
  counts(): Promise<DatabaseCounts> {
    this.calls.push('counts');
    return Promise.resolve({ report: null, pendingPurge: null });
  }
  wipe(): Promise<void> {
    this.calls.push('wipe');
    return Promise.resolve();
  }
}

type Mutable = Record<string, unknown> & ReturnType<typeof profileWithSecrets>;

describe('provisioning', () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  let database: RecordingDatabase;
  let safeStorage: FakeSafeStorage;
  let provisioning: Provisioning;
  const now = () => new Date('2025-03-01T10:00:00Z');

  beforeEach(() => {
    dir = temporaryDirectory();
    database = new RecordingDatabase();
    safeStorage = new FakeSafeStorage();
    const vault = new KeyVault({ userDataDir: dir.path, safeStorage, platform: 'linux' });
    provisioning = new Provisioning({ userDataDir: dir.path, vault, database, now });
  });
  afterEach(() => {
    dir.remove();
  });

  const json = (profile: unknown) => JSON.stringify(profile);

  it('provisions a valid profile and reports it without secrets', async () => {
    const outcome = await provisioning.apply(json(profileWithSecrets()), { kind: 'cli', path: 'p.json' });
    expect(outcome.kind).toBe('applied');
    if (outcome.kind !== 'applied') return;
    expect(outcome.profile.device.callsign).toBe('EM-A123');
    expect(outcome.profile.icbs.map((icb) => icb.auth)).toEqual(['bearer', 'smart-backend-services', 'none']);
    expect(outcome.purgedOutsideArea).toBe(false);
    expect(database.calls).toEqual([]);
    expect((await provisioning.current())?.profile.icbs[0]?.auth).toEqual({
      type: 'bearer',
      tokenRef: 'vault:icbs/QT1/bearer-token',
    });
  });

  it('keeps secrets out of the stored profile file: only vault references remain', async () => {
    await provisioning.apply(json(profileWithSecrets()), { kind: 'cli' });
    const stored = readFileSync(join(dir.path, 'profile.json'), 'utf8');
    for (const secret of SECRET_VALUES) expect(stored).not.toContain(secret);
    expect(stored).toContain('vault:icbs/QJ2/private-key-jwk');
    expect(stored).not.toContain('"d"');
    for (const file of readdirSync(join(dir.path, 'vault'))) {
      const bytes = readFileSync(join(dir.path, 'vault', file));
      for (const secret of SECRET_VALUES) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    const vault = new KeyVault({ userDataDir: dir.path, safeStorage, platform: 'linux' });
    expect(await vault.readSecret('vault:icbs/QT1/bearer-token')).toBe('bearer-secret-7f3a9c');
    expect(JSON.parse(await vault.readSecret('vault:icbs/QJ2/private-key-jwk'))).toMatchObject({
      d: 'private-d-value-5e1b',
    });
  });

  it('keeps secrets out of --status', async () => {
    await provisioning.apply(json(profileWithSecrets()), { kind: 'cli' });
    const status = JSON.stringify(await provisioning.status({ version: '0.1.0', platform: 'linux' }));
    for (const secret of SECRET_VALUES) expect(status).not.toContain(secret);
    expect(status).not.toContain('vault:');
  });

  it('refuses a profile with secrets when the OS cannot protect them, and stores nothing', async () => {
    const weak = new Provisioning({
      userDataDir: dir.path,
      vault: new KeyVault({
        userDataDir: dir.path,
        safeStorage: new FakeSafeStorage(true, 'basic_text'),
        platform: 'linux',
      }),
      database,
    });
    await expect(weak.apply(json(profileWithSecrets()), { kind: 'cli' })).rejects.toThrow(
      VaultUnavailableError,
    );
    expect(readdirSync(dir.path)).toEqual([]);
  });

  const invalid: [string, (p: Mutable) => void, string, RegExp][] = [
    [
      'a missing ICB URL',
      (p) => void Reflect.deleteProperty(p.icbs[0] ?? {}, 'fhirBaseUrl'),
      'icbs[0].fhirBaseUrl',
      /expected string/i,
    ],
    [
      'an http URL for a real ICB',
      (p) => void Object.assign(p.icbs[1] ?? {}, { fhirBaseUrl: 'http://scr.example.nhs.uk/fhir' }),
      'icbs[1].fhirBaseUrl',
      /https/,
    ],
    [
      'an http token URL',
      (p) => void Object.assign(p.icbs[1]?.auth ?? {}, { tokenUrl: 'http://auth.example.nhs.uk/token' }),
      'icbs[1].auth.tokenUrl',
      /https/,
    ],
    [
      'duplicate ODS codes',
      (p) => void Object.assign(p.icbs[2] ?? {}, { odsCode: 'QT1' }),
      'icbs[2].odsCode',
      /duplicate ICB ODS code QT1/,
    ],
    [
      'an unknown top-level key',
      (p) => void Object.assign(p, { colour: 'green' }),
      '(root)',
      /unknown key: colour/,
    ],
    [
      'an unknown nested key',
      (p) => void Object.assign(p.device, { owner: 'x' }),
      'device',
      /unknown key: device\.owner/,
    ],
    [
      'a bad callsign',
      (p) => void Object.assign(p.device, { callsign: 'ambulance 1' }),
      'device.callsign',
      /callsign/,
    ],
    [
      'a negative retention',
      (p) => void Object.assign(p.retention, { summaryDays: -1 }),
      'retention.summaryDays',
      /at least 1/,
    ],
    [
      'a fractional retention',
      (p) => void Object.assign(p.retention, { syncedNoteHours: 1.5 }),
      'retention.syncedNoteHours',
      /whole number/,
    ],
    [
      'too few PIN attempts',
      (p) => void Object.assign(p.security, { pinAttemptsBeforeWipe: 1 }),
      'security.pinAttemptsBeforeWipe',
      /at least 3/,
    ],
    [
      'an unknown role',
      (p) => void Object.assign(p.device, { role: 'admin' }),
      'device.role',
      /crew|control-room/,
    ],
    [
      'a bad postcode district',
      (p) => void Object.assign(p.area, { postcodeDistricts: ['NOTAPOSTCODE'] }),
      'area.postcodeDistricts[0]',
      /postcode district/,
    ],
    [
      'a bad GP practice code',
      (p) => void Object.assign(p.icbs[0] ?? {}, { gpPractices: ['12345'] }),
      'icbs[0].gpPractices[0]',
      /GP practice/,
    ],
    [
      'an empty bearer token',
      (p) => void Object.assign(p.icbs[0]?.auth ?? {}, { token: ' ' }),
      'icbs[0].auth.token',
      /must not be empty/,
    ],
    [
      'an unknown auth type',
      (p) => void Object.assign(p.icbs[0] ?? {}, { auth: { type: 'basic' } }),
      'icbs[0].auth.type',
      /./,
    ],
    [
      'a SMART key without "d"',
      (p) => {
        const auth = p.icbs[1]?.auth;
        if (auth?.type === 'smart-backend-services') Reflect.deleteProperty(auth.privateKeyJwk, 'd');
      },
      'icbs[1].auth.privateKeyJwk.d',
      /./,
    ],
    ['no ICBs', (p) => void Object.assign(p, { icbs: [] }), 'icbs', /at least one ICB/],
    ['a wrong schema version', (p) => void Object.assign(p, { schemaVersion: 2 }), 'schemaVersion', /./],
    [
      'a bad ICB ODS code',
      (p) => void Object.assign(p.icbs[0] ?? {}, { odsCode: 'qt' }),
      'icbs[0].odsCode',
      /ICB ODS code/,
    ],
    [
      'an update feed that is not https',
      (p) => void Object.assign(p, { updates: { feedUrl: 'ftp://x.example' } }),
      'updates.feedUrl',
      /https/,
    ],
  ];

  it.each(invalid)('rejects %s at %s, storing nothing', async (_name, mutate, path, message) => {
    const profile = profileWithSecrets() as Mutable;
    mutate(profile);
    const outcome = await provisioning.apply(json(profile), { kind: 'cli' });
    expect(outcome.kind).toBe('invalid');
    if (outcome.kind !== 'invalid') return;
    const issue = outcome.issues.find((candidate) => candidate.path === path);
    expect(issue, JSON.stringify(outcome.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('reports every error of a profile at once, each with its path', async () => {
    const profile = profileWithSecrets() as Mutable;
    Object.assign(profile.device, { callsign: 'bad one' });
    Object.assign(profile.retention, { summaryDays: 0 });
    Object.assign(profile, { extra: true });
    const outcome = await provisioning.apply(json(profile), { kind: 'cli' });
    expect(outcome.kind === 'invalid' && outcome.issues.map((issue) => issue.path).sort()).toEqual([
      '(root)',
      'device.callsign',
      'retention.summaryDays',
    ]);
  });

  it('reports a JSON syntax error at the root', async () => {
    const outcome = await provisioning.apply('{"schemaVersion": 1,', { kind: 'cli' });
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: '(root)' }] });
  });

  it('re-provisioning to another area purges outside the new area through the database interface', async () => {
    await provisioning.apply(json(profileWithSecrets()), { kind: 'cli' });
    const moved = profileWithSecrets();
    moved.area = { name: 'Soar and Wreake', postcodeDistricts: ['LE1', 'LE2'] };
    const outcome = await provisioning.apply(json(moved), { kind: 'cli' });
    expect(outcome).toMatchObject({ kind: 'applied', purgedOutsideArea: true });
    expect(database.purged).toEqual([['LE1', 'LE2']]);
    expect((await provisioning.current())?.profile.area.name).toBe('Soar and Wreake');
  });

  it('re-provisioning the same area (another callsign) purges nothing', async () => {
    await provisioning.apply(json(profileWithSecrets()), { kind: 'cli' });
    const renamed = profileWithSecrets();
    renamed.device.callsign = 'EM-B456';
    await provisioning.apply(json(renamed), { kind: 'cli' });
    expect(database.purged).toEqual([]);
  });

  it('deprovision wipes the database and leaves no file behind in the user-data folder', async () => {
    const realDatabase = new RendererPatientDatabase({ userDataDir: dir.path, session: null, now });
    const vault = new KeyVault({ userDataDir: dir.path, safeStorage, platform: 'linux' });
    const device = new Provisioning({ userDataDir: dir.path, vault, database: realDatabase, now });
    await device.apply(json(profileWithSecrets()), { kind: 'cli' });
    await vault.dataKey();
    await realDatabase.recordReport({ reportedAt: now().toISOString(), icbs: [], queuedNotes: 2 });
    await realDatabase.purgeOutsideArea(['NG7']);
    // What Chromium leaves in the folder: IndexedDB, caches.
    mkdirSync(join(dir.path, 'IndexedDB', 'app_kerbside_0.indexeddb.leveldb'), { recursive: true });
    writeFileSync(join(dir.path, 'IndexedDB', 'app_kerbside_0.indexeddb.leveldb', '000003.log'), 'patients');
    mkdirSync(join(dir.path, 'Cache', 'Cache_Data'), { recursive: true });
    writeFileSync(join(dir.path, 'Cache', 'Cache_Data', 'index'), 'x');
    expect(readdirSync(dir.path).length).toBeGreaterThan(3);

    await device.deprovision();
    expect(existsSync(dir.path) ? readdirSync(dir.path) : []).toEqual([]);
    expect(await device.current()).toBeNull();
  });

  it('deprovision calls the database wipe first', async () => {
    await provisioning.apply(json(profileWithSecrets()), { kind: 'cli' });
    await provisioning.deprovision();
    expect(database.calls).toEqual(['wipe']);
  });

  it('status reports callsign, per-ICB cache age and counts, queued notes and storage bytes', async () => {
    const realDatabase = new RendererPatientDatabase({ userDataDir: dir.path, session: null, now });
    const device = new Provisioning({
      userDataDir: dir.path,
      vault: new KeyVault({ userDataDir: dir.path, safeStorage, platform: 'linux' }),
      database: realDatabase,
      now,
    });
    expect((await device.status({ version: '1', platform: 'linux' })).provisioned).toBe(false);
    await device.apply(json(profileWithSecrets()), { kind: 'cli' });
    const report: DatabaseReport = {
      reportedAt: '2025-03-01T09:00:00.000Z',
      icbs: [
        { odsCode: 'QT1', patients: 1200, lastRefreshedAt: '2025-03-01T04:00:00.000Z' },
        { odsCode: 'QJ2', patients: 0, lastRefreshedAt: null },
      ],
      queuedNotes: 3,
    };
    await realDatabase.recordReport(report);
    const status = await device.status({ version: '1', platform: 'linux' });
    expect(status).toMatchObject({
      provisioned: true,
      callsign: 'EM-A123',
      vault: { kind: 'available', backend: 'gnome_libsecret' },
      database: { kind: 'reported', queuedNotes: 3, icbAgeHours: { QT1: 6, QJ2: null } },
      pendingPurge: null,
    });
    expect(status.storageBytes).toBeGreaterThan(100);
  });

  it('applies the machine-wide managed profile once, and reports an invalid one with paths', async () => {
    const managedDir = temporaryDirectory();
    try {
      const path = join(managedDir.path, 'profile.json');
      expect(await provisioning.applyManaged(path)).toEqual({ kind: 'absent' });
      writeFileSync(path, json(profileWithSecrets()));
      expect((await provisioning.applyManaged(path)).kind).toBe('applied');
      expect(await provisioning.applyManaged(path)).toEqual({ kind: 'unchanged' });
      writeFileSync(path, json({ ...profileWithSecrets(), colour: 'red' }));
      const result = await provisioning.applyManaged(path);
      expect(result).toMatchObject({ kind: 'invalid', issues: [{ path: '(root)' }] });
      const status = await provisioning.status({ version: '1', platform: 'linux' });
      expect(status.managedProfile?.issues[0]?.message).toMatch(/colour/);
      expect(status.profile?.source).toBe('managed');
    } finally {
      managedDir.remove();
    }
  });

  it('names the MDM path per platform', () => {
    expect(managedProfilePath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\Kerbside\\profile.json',
    );
    expect(managedProfilePath('win32', {})).toBe('C:\\ProgramData\\Kerbside\\profile.json');
    expect(managedProfilePath('linux', {})).toBe('/etc/kerbside/profile.json');
  });
});

describe('renderer patient database (Electron side)', () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    dir = temporaryDirectory();
  });
  afterEach(() => {
    dir.remove();
  });

  it('records a purge durably, notifies the renderer, and clears it only when the same districts are done', async () => {
    const notified: PurgeRequest[] = [];
    const database = new RendererPatientDatabase({
      userDataDir: dir.path,
      session: null,
      notifyPurge: (request) => notified.push(request),
    });
    await database.purgeOutsideArea(['LE1', 'LE2']);
    expect(notified.map((request) => request.districts)).toEqual([['LE1', 'LE2']]);
    expect((await database.counts()).pendingPurge?.districts).toEqual(['LE1', 'LE2']);
    await database.completePurge(['LE1']);
    expect((await database.counts()).pendingPurge).not.toBeNull();
    await database.completePurge(['LE2', 'LE1']);
    expect((await database.counts()).pendingPurge).toBeNull();
  });

  it('wipe clears every kind of session storage and caches, as session.clearStorageData() documents', async () => {
    const calls: string[] = [];
    const session = {
      clearStorageData: (options?: { storages?: string[] }) => {
        calls.push(`clearStorageData(${JSON.stringify(options ?? {})})`);
        return Promise.resolve();
      },
      clearCache: () => {
        calls.push('clearCache');
        return Promise.resolve();
      },
      clearAuthCache: () => {
        calls.push('clearAuthCache');
        return Promise.resolve();
      },
    };
    const database = new RendererPatientDatabase({ userDataDir: dir.path, session });
    await database.recordReport({ reportedAt: new Date().toISOString(), icbs: [], queuedNotes: 0 });
    await database.wipe();
    // No options: every storage type of every origin.
    expect(calls).toEqual(['clearStorageData({})', 'clearCache', 'clearAuthCache']);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses to guess when the pending purge record is damaged', async () => {
    mkdirSync(join(dir.path, 'database'));
    writeFileSync(join(dir.path, 'database', 'pending-purge.json'), '{"districts": ');
    const database = new RendererPatientDatabase({ userDataDir: dir.path, session: null });
    await expect(database.counts()).rejects.toThrow(/damaged/);
  });
});
