// The built renderer in headless Chromium, served by the app:// handler's own response logic (same CSP headers)
// from a local HTTP server, talking to the demo ICB servers: it must work with no CSP violation.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoWorld, type DemoWorld } from '../../../demo/demo-world';
import { APP_ORIGIN, createAppProtocolHandler } from '../../../main/app-protocol';
import { contentSecurityPolicy, provisionedConnectOrigins } from '../../../main/content-security-policy';
import { redactProfile, type StoredProfile } from '../../../main/stored-profile';

const root = join(import.meta.dirname, '..', '..', '..');

function requestHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') result.set(name, value);
    else if (Array.isArray(value)) for (const item of value) result.append(name, item);
  }
  return result;
}

interface PageReport {
  violations: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

describe('built renderer under the app:// CSP in Chromium', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'kerbside-renderer-build-'));
  let world: DemoWorld;
  let stored: StoredProfile;
  let csp: string;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    await build({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    world = await startDemoWorld({ patients: 200, seed: 7, host: '127.0.0.1', history: false });
    stored = redactProfile(world.profiles.crew).profile;
    csp = contentSecurityPolicy(provisionedConnectOrigins(stored));
    const handler = createAppProtocolHandler({
      rendererRoot: outDir,
      contentSecurityPolicy: () => csp,
      profileJson: () => Promise.resolve(JSON.stringify(stored)),
    });
    server = createServer((req, res) => {
      // The same handler Electron calls, given the request as app://kerbside/… exactly as protocol.handle would.
      const request = new Request(`${APP_ORIGIN}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: requestHeaders(req.headers),
      });
      void handler(request).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: process.env.KERBSIDE_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    await world.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  async function openApp(): Promise<{ page: Page; report: PageReport }> {
    const page = await browser.newPage();
    const report: PageReport = { violations: [], consoleErrors: [], pageErrors: [] };
    await page.exposeFunction('reportViolation', (text: string) => {
      report.violations.push(text);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { reportViolation: (text: string) => void }).reportViolation;
        report(`${event.violatedDirective} blocked ${event.blockedURI}`);
      });
    });
    page.on('console', (message) => {
      const url = message.location().url;
      // Chromium asks every http page for /favicon.ico on its own; Electron windows do not, and the renderer
      // ships no icon yet. Anything else that fails is reported.
      if (url.endsWith('/favicon.ico')) return;
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
        report.consoleErrors.push(`${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => report.pageErrors.push(error.message));
    await page.goto(`${baseUrl}/`);
    return { page, report };
  }

  it('serves the CSP header the protocol handler sets', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.headers.get('content-security-policy')).toBe(csp);
    expect(csp).toContain(new URL(world.icbs[0]?.server.baseUrl ?? '').origin);
  });

  it('loads, fetches the profile and every ICB count, with no CSP violation or console error', async () => {
    const { page, report } = await openApp();
    await page.getByRole('heading', { name: `Area: ${stored.area.name}` }).waitFor({ timeout: 15_000 });
    for (const icb of stored.icbs) {
      const row = page.getByRole('listitem', { name: `${icb.name} (${icb.odsCode})` });
      await row.getByText(/patients cached/).waitFor({ timeout: 15_000 });
    }
    // Give late violations (fonts, images, workers) a moment to be reported.
    await page.waitForTimeout(300);
    expect(report).toEqual({ violations: [], consoleErrors: [], pageErrors: [] });
    await page.close();
  });

  it('detects a violation when an ICB origin is missing from connect-src (the check above can fail)', async () => {
    const full = csp;
    const [first, ...rest] = provisionedConnectOrigins(stored);
    expect(first).toBeDefined();
    csp = contentSecurityPolicy(rest);
    try {
      const { page } = await openApp();
      await page.getByRole('heading', { name: `Area: ${stored.area.name}` }).waitFor({ timeout: 15_000 });
      // The sync worker makes the requests, so its violations fire in the worker, not on the page: listen
      // there. The worker starts with the run after load (2 s after start), which retries the blocked ICB;
      // until a violation is seen, "Sync now" is pressed again whenever it is enabled (no run going), so
      // that one run or another fetches from the blocked origin after the listener is in place.
      const worker = page.workers()[0] ?? (await page.waitForEvent('worker'));
      await worker.evaluate(() => {
        const scope = self as unknown as { kerbsideViolations: string[] } & EventTarget;
        scope.kerbsideViolations = [];
        scope.addEventListener('securitypolicyviolation', (event) => {
          const violation = event as SecurityPolicyViolationEvent;
          scope.kerbsideViolations.push(`${violation.violatedDirective} blocked ${violation.blockedURI}`);
        });
      });
      const syncNow = page.getByRole('button', { name: 'Sync now' });
      const workerViolations = (): Promise<string> =>
        worker.evaluate(() =>
          (self as unknown as { kerbsideViolations: string[] }).kerbsideViolations.join('\n'),
        );
      await expect
        .poll(
          async () => {
            // Forced: a disabled button (a run going) takes no click, and the poll carries on.
            await syncNow.click({ force: true });
            return workerViolations();
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toContain(`connect-src blocked ${first ?? ''}`);
      await page.close();
    } finally {
      csp = full;
    }
  });

  it('refuses inline script, as script-src has no unsafe-inline', async () => {
    const { page, report } = await openApp();
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    await expect.poll(() => report.violations.join('\n')).toMatch(/script-src/);
    await page.close();
  });
});
