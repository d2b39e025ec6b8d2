import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { validateConfiguration, getConfig } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAfterPack } from './support/after-pack';
import { temporaryDirectory } from './support/fake-electron';

const root = join(import.meta.dirname, '..', '..', '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** A stand-in for the Electron binary: bytes, then the fuse sentinel and wire exactly as Electron lays them out. */
function fakeElectronBinary(path: string, fuses: string): void {
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, fuses.length]), Buffer.from(fuses)]);
  writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 0x90), wire, Buffer.alloc(4096, 0x90)]));
}

describe('packaging: Electron fuses (afterPack hook)', () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    dir = temporaryDirectory('kerbside-pack-');
  });
  afterEach(() => {
    dir.remove();
  });

  it('configures every fuse @electron/fuses knows, explicitly', async () => {
    const { kerbsideFuses } = await loadAfterPack();
    const known = Object.values(FuseV1Options).filter((value) => typeof value === 'number');
    expect(
      Object.keys(kerbsideFuses)
        .filter((key) => key !== 'version')
        .map(Number)
        .sort(),
    ).toEqual([...known].sort());
  });

  it('flips the fuses of the packaged binary and reads them back', async () => {
    const { default: hook } = await loadAfterPack();
    const binary = join(dir.path, 'kerbside');
    // Electron's shipped defaults: RunAsNode, NodeOptions, inspect and file:// privileges on; the rest off.
    fakeElectronBinary(binary, '10110001');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await hook({
      appOutDir: dir.path,
      electronPlatformName: 'linux',
      packager: { appInfo: { productFilename: 'Kerbside' }, executableName: 'kerbside' },
    });
    const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    const on = 49;
    const off = 48;
    expect(wire[FuseV1Options.RunAsNode]).toBe(off);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(on);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(on);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(off);
  });

  it('warns about fuses newer than @electron/fuses instead of pretending they are set', async () => {
    const { afterPack } = await loadAfterPack();
    const binary = join(dir.path, 'Kerbside.exe');
    fakeElectronBinary(binary, '101100011');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await afterPack({
      appOutDir: dir.path,
      electronPlatformName: 'win32',
      packager: { appInfo: { productFilename: 'Kerbside' } },
    });
    expect(warn.mock.calls.join('\n')).toMatch(/wire positions 8/);
  });

  it('names the binary as electron-builder does on Windows and Linux', async () => {
    const { electronBinaryPath } = await loadAfterPack();
    const packager = { appInfo: { productFilename: 'Kerbside' }, executableName: 'kerbside' };
    expect(electronBinaryPath({ appOutDir: '/out', electronPlatformName: 'win32', packager })).toBe(
      join('/out', 'Kerbside.exe'),
    );
    expect(electronBinaryPath({ appOutDir: '/out', electronPlatformName: 'linux', packager })).toBe(
      join('/out', 'kerbside'),
    );
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const { afterPack } = await loadAfterPack();
    writeFileSync(join(dir.path, 'kerbside'), 'not electron');
    await expect(
      afterPack({
        appOutDir: dir.path,
        electronPlatformName: 'linux',
        packager: { appInfo: { productFilename: 'Kerbside' }, executableName: 'kerbside' },
      }),
    ).rejects.toThrow(/sentinel/);
  });
});

describe('packaging: electron-builder.yml', () => {
  it('passes electron-builder’s own schema and targets NSIS per-machine, AppImage and deb', async () => {
    const config = await getConfig(root, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.asar).toBe(true);
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    // getConfig normalises `files` to one filter set.
    expect(JSON.stringify(config.files)).toContain('"dist/main/**","!dist/main/**/*.map","dist-renderer/**"');
    expect(config.electronFuses).toBeUndefined();
  });
});
