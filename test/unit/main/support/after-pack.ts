// Loads build/after-pack.mjs (plain JavaScript, run by electron-builder) with the types its JSDoc describes.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

export interface AfterPackModule {
  kerbsideFuses: Record<string, boolean | string>;
  electronBinaryPath: (context: PackContext) => string;
  afterPack: (context: PackContext) => Promise<void>;
  default: (context: PackContext) => Promise<void>;
}

export const repositoryRoot = join(import.meta.dirname, '..', '..', '..', '..');

export async function loadAfterPack(): Promise<AfterPackModule> {
  const module = (await import(
    pathToFileURL(join(repositoryRoot, 'build', 'after-pack.mjs')).href
  )) as unknown;
  return module as AfterPackModule;
}
