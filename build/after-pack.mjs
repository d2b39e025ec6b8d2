// electron-builder afterPack hook: flips the Electron fuses of the packaged binary with @electron/fuses, before
// signing (Electron security checklist item 19, https://www.electronjs.org/docs/latest/tutorial/fuses).
/* global console */
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';

/** Every fuse @electron/fuses knows, set explicitly: a missing entry would silently keep Electron's default. */
export const kerbsideFuses = {
  version: FuseVersion.V1,
  // No `ELECTRON_RUN_AS_NODE`: the binary cannot be used as a general Node.js interpreter.
  [FuseV1Options.RunAsNode]: false,
  // Cookies encrypted at rest with the OS-protected key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // No `NODE_OPTIONS` (e.g. --require of attacker code) and no --inspect debugging of the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash embedded at build time, and only app.asar is loaded.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Kerbside ships no custom V8 snapshot.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // file:// gets no privileges beyond a browser's; the app is served from app:// instead.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/**
 * The Electron executable electron-builder just laid out, named as electron-builder names it: the Linux
 * `executableName`, otherwise the product file name (plus `.exe` on Windows).
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return join(appOutDir, packager.executableName ?? packager.appInfo.productFilename.toLowerCase());
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    default:
      throw new Error(`afterPack: no fuse support for platform ${electronPlatformName}`);
  }
}

/**
 * Flips the fuses, then reads them back and fails the build if any is not as configured.
 * @param {Parameters<typeof electronBinaryPath>[0]} context
 */
export async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await flipFuses(binary, kerbsideFuses);
  const wire = await getCurrentFuseWire(binary);
  const known = Object.keys(kerbsideFuses).filter((key) => key !== 'version');
  for (const key of known) {
    const expected = kerbsideFuses[/** @type {keyof typeof kerbsideFuses} */ (key)] ? 49 : 48; // '1' on, '0' off
    const actual = wire[/** @type {keyof typeof wire} */ (key)];
    if (actual !== expected)
      throw new Error(
        `afterPack: fuse ${FuseV1Options[Number(key)]} is ${String(actual)}, expected ${expected}`,
      );
  }
  const unknown = Object.keys(wire).filter((key) => key !== 'version' && !known.includes(key));
  if (unknown.length > 0)
    console.warn(
      `afterPack: this Electron has fuses @electron/fuses does not name (wire positions ${unknown.join(', ')}); ` +
        'they keep Electron defaults. Update @electron/fuses and review them.',
    );
  console.log(`afterPack: fuses set on ${binary}`);
}

export default afterPack;
