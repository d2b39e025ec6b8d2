// Launches Debian's Chromium through playwright-core with the flags this closed-network machine needs.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

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

interface Signal {
  offline: boolean;
  readonly sessions: Map<Page, Promise<CDPSession>>;
}

const signals = new WeakMap<BrowserContext, Signal>();

/**
 * Tells a page's document whether there is a signal, through a DevTools session of our own. Playwright's
 * `offline` cuts the network off, but Chromium 150 gives each new document `navigator.onLine === true` while
 * it stays cut off (false before a reload, true after it), so an app reloaded or restarted with no signal
 * would not know; each document is told again once it has loaded, as the operating system tells a real one
 * (the app gets its `offline` event).
 */
async function tell(context: BrowserContext, page: Page, signal: Signal): Promise<void> {
  let session = signal.sessions.get(page);
  if (session === undefined) {
    session = context.newCDPSession(page);
    signal.sessions.set(page, session);
  }
  await (
    await session
  ).send('Network.emulateNetworkConditions', {
    offline: signal.offline,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
}

function watch(context: BrowserContext, page: Page, signal: Signal): void {
  page.on('domcontentloaded', () => {
    if (!signal.offline) return;
    tell(context, page, signal).catch(() => undefined);
  });
}

/** Cuts the network off (no signal) or gives it back, for every page of a context from `launchPersistentChromium`. */
export async function setOffline(context: BrowserContext, offline: boolean): Promise<void> {
  const signal = signals.get(context);
  if (signal === undefined)
    throw new Error('setOffline: the context was not launched by launchPersistentChromium');
  signal.offline = offline;
  await context.setOffline(offline);
  await Promise.all(context.pages().map((page) => tell(context, page, signal)));
}

/** A browser with a profile folder that outlives it, as a crew's tablet does across restarts. */
export async function launchPersistentChromium(
  userDataDir: string,
  options: { readonly offline?: boolean; readonly viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  checkChromium();
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args,
    offline: options.offline ?? false,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    serviceWorkers: 'allow',
  });
  const signal: Signal = { offline: options.offline ?? false, sessions: new Map() };
  signals.set(context, signal);
  for (const page of context.pages()) watch(context, page, signal);
  context.on('page', (page) => {
    watch(context, page, signal);
  });
  return context;
}
