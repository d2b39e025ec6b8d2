import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, type FileProbe } from '../../../scripts/electron-binary';

function probe(files: Record<string, string>): FileProbe {
  return {
    exists: (path) => path in files,
    read: (path) => {
      const content = files[path];
      if (content === undefined) throw new Error(`no file ${path}`);
      return content;
    },
  };
}

const dir = '/app/node_modules/electron';

describe('finding the Electron binary', () => {
  it('is absent when the package never downloaded its binary (no path.txt)', () => {
    expect(findElectronBinary(dir, {}, probe({}))).toBeUndefined();
  });

  it('is absent when path.txt names a binary that is not on disk', () => {
    expect(findElectronBinary(dir, {}, probe({ [join(dir, 'path.txt')]: 'electron' }))).toBeUndefined();
  });

  it('is the unpacked binary when both are present', () => {
    const binary = join(dir, 'dist', 'electron');
    expect(findElectronBinary(dir, {}, probe({ [join(dir, 'path.txt')]: 'electron\n', [binary]: '' }))).toBe(
      binary,
    );
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const binary = join('/opt/electron', 'electron');
    expect(
      findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, probe({ [binary]: '' })),
    ).toBe(binary);
  });
});
