// Launches Debian's Chromium through playwright-core with the flags this closed-network machine needs.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const chromiumPath = process.env.KERBSIDE_CHROMIUM ?? '/usr/bin/chromium';

const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function checkChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: run .ci/run (it installs Debian's chromium) or set KERBSIDE_CHROMIUM`,
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  checkChromium();
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}

/** A browser with a profile folder that outlives it, as a crew's tablet does across restarts. */
export async function launchPersistentChromium(
  userDataDir: string,
  options: { readonly offline?: boolean; readonly viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  checkChromium();
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args,
    offline: options.offline ?? false,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    serviceWorkers: 'allow',
  });
}
