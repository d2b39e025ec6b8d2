import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../main/app-services';
import { ExitCode, parseCommandLine, runCliCommand, type CliCommand } from '../../../main/cli';
import {
  FakeSafeStorage,
  profileWithSecrets,
  SECRET_VALUES,
  temporaryDirectory,
} from './support/fake-electron';

describe('command line parsing', () => {
  it.each([
    [[], {}, { kind: 'run', kiosk: false, managedProfilePath: null }],
    [['--kiosk'], {}, { kind: 'run', kiosk: true, managedProfilePath: null }],
    [[], { KERBSIDE_KIOSK: '1' }, { kind: 'run', kiosk: true, managedProfilePath: null }],
    [
      ['--managed-profile', '/tmp/p.json'],
      {},
      { kind: 'run', kiosk: false, managedProfilePath: '/tmp/p.json' },
    ],
    [['--provision', 'profile.json'], {}, { kind: 'provision', file: 'profile.json' }],
    [['--provision=C:\\IT\\profile.json'], {}, { kind: 'provision', file: 'C:\\IT\\profile.json' }],
    [['--password-store=gnome-libsecret', '--status'], {}, { kind: 'status' }],
    [['--deprovision'], {}, { kind: 'deprovision' }],
    [['--help'], {}, { kind: 'help' }],
  ] as const)('%j with %j parses as %j', (args, env, expected) => {
    expect(parseCommandLine(args, env)).toEqual(expected);
  });

  it.each([[['--provision']], [['--provision', '--status']], [['--status', '--deprovision']]])(
    '%j is a usage error',
    (args) => {
      expect(parseCommandLine(args, {}).kind).toBe('usage-error');
    },
  );
});

describe('command line: provisioning for trust IT', () => {
  let userData: ReturnType<typeof temporaryDirectory>;
  let files: ReturnType<typeof temporaryDirectory>;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    userData = temporaryDirectory();
    files = temporaryDirectory('kerbside-it-');
    out = [];
    err = [];
  });
  afterEach(() => {
    userData.remove();
    files.remove();
  });

  const run = (command: Exclude<CliCommand, { kind: 'run' }>, safeStorage = new FakeSafeStorage()) => {
    const services = createAppServices({
      userDataDir: userData.path,
      platform: 'linux',
      app: { version: '0.1.0', platform: 'linux' },
      safeStorage,
      session: null,
      role: () => 'it',
      relaunchIntoDeprovision: () => undefined,
    });
    return runCliCommand(command, {
      provisioning: services.provisioning,
      readFile: (path) => readFile(path, 'utf8'),
      app: { version: '0.1.0', platform: 'linux' },
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
  };

  it('--provision applies a valid profile, exit 0', async () => {
    const file = join(files.path, 'profile.json');
    writeFileSync(file, JSON.stringify(profileWithSecrets()));
    expect(await run({ kind: 'provision', file })).toBe(ExitCode.ok);
    expect(out.join('\n')).toMatch(/provisioned demo-tablet-0042 as EM-A123/);
    for (const secret of SECRET_VALUES) expect(out.join('\n')).not.toContain(secret);
  });

  it('--provision reports every error with its JSON path, exit 1', async () => {
    const file = join(files.path, 'profile.json');
    const profile = profileWithSecrets() as ReturnType<typeof profileWithSecrets> & Record<string, unknown>;
    Object.assign(profile.device, { callsign: 'x' });
    Object.assign(profile.icbs[0] ?? {}, { fhirBaseUrl: 'http://scr.example.nhs.uk' });
    writeFileSync(file, JSON.stringify(profile));
    expect(await run({ kind: 'provision', file })).toBe(ExitCode.invalidProfile);
    expect(err.join('\n')).toMatch(/2 problems/);
    expect(err.join('\n')).toMatch(/ {2}device\.callsign: /);
    expect(err.join('\n')).toMatch(/ {2}icbs\[0\]\.fhirBaseUrl: must use https/);
  });

  it('--provision of a missing file is a usage error, exit 2', async () => {
    expect(await run({ kind: 'provision', file: join(files.path, 'nope.json') })).toBe(ExitCode.usage);
    expect(err.join('\n')).toMatch(/cannot read .*ENOENT/);
  });

  it('--provision with secrets on a basic_text Linux desktop exits 4 with the fix for trust IT', async () => {
    const file = join(files.path, 'profile.json');
    writeFileSync(file, JSON.stringify(profileWithSecrets()));
    expect(await run({ kind: 'provision', file }, new FakeSafeStorage(true, 'basic_text'))).toBe(
      ExitCode.vaultUnavailable,
    );
    expect(err.join('\n')).toMatch(/gnome-keyring with libsecret, or KWallet/);
  });

  it('--status prints the device state as JSON without secrets', async () => {
    const file = join(files.path, 'profile.json');
    writeFileSync(file, JSON.stringify(profileWithSecrets()));
    await run({ kind: 'provision', file });
    out = [];
    expect(await run({ kind: 'status' })).toBe(ExitCode.ok);
    const status = JSON.parse(out.join('\n')) as Record<string, unknown>;
    expect(status).toMatchObject({
      provisioned: true,
      callsign: 'EM-A123',
      database: { kind: 'never-reported' },
    });
    expect(status.storageBytes).toEqual(expect.any(Number));
    for (const secret of SECRET_VALUES) expect(out.join('\n')).not.toContain(secret);
  });

  it('--deprovision leaves no file behind', async () => {
    const file = join(files.path, 'profile.json');
    writeFileSync(file, JSON.stringify(profileWithSecrets()));
    await run({ kind: 'provision', file });
    expect(readdirSync(userData.path).length).toBeGreaterThan(0);
    expect(await run({ kind: 'deprovision' })).toBe(ExitCode.ok);
    expect(existsSync(userData.path) ? readdirSync(userData.path) : []).toEqual([]);
  });
});
