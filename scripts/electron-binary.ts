// Finds the Electron executable without triggering the electron package's download-on-require.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FileProbe {
  exists(path: string): boolean;
  read(path: string): string;
}

const realFiles: FileProbe = { exists: existsSync, read: (path) => readFileSync(path, 'utf8') };

/**
 * The path of the Electron binary that `npm ci` would have unpacked, or undefined when it is absent
 * (as on machines that cannot download it). Mirrors node_modules/electron/index.js minus the download.
 */
export function findElectronBinary(
  electronPackageDir: string,
  env: Readonly<Record<string, string | undefined>>,
  files: FileProbe = realFiles,
): string | undefined {
  const pathFile = join(electronPackageDir, 'path.txt');
  const relative = files.exists(pathFile) ? files.read(pathFile).trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate =
    override !== undefined && override !== ''
      ? join(override, relative ?? 'electron')
      : relative !== undefined && relative !== ''
        ? join(electronPackageDir, 'dist', relative)
        : undefined;
  return candidate !== undefined && files.exists(candidate) ? candidate : undefined;
}
