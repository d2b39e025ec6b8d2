import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { startApp, type RunningApp } from './support/start-app';

describe('npm start in browser mode', () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it('prints the app, every ICB and the dispatch URL', () => {
    expect(app.icbUrls).toHaveLength(3);
    for (const url of [...app.icbUrls, app.dispatchUrl])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
  });

  it('opens in Chromium and shows the provisioned area with each ICB cache', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.appUrl);
    await page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).waitFor();
    for (const name of ['Trentside ICB (QT1)', 'Derwent Valley ICB (QJ2)', 'Soar and Wreake ICB (QK1)']) {
      const row = page.getByRole('listitem', { name });
      await row.getByText(/^Synced /).waitFor({ timeout: 60_000 });
      // The count is read from the store when the ICB's run completes, a moment after "Synced" shows.
      await expect
        .poll(
          async () => {
            const text = (await row.locator('.kb-icb__count').textContent()) ?? '';
            const [, cached] = /([\d,]+) patients cached/.exec(text) ?? [];
            return Number(cached?.replace(/,/g, '') ?? 0);
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThan(0);
    }
    mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/smoke-home.png', fullPage: true });
    expect(errors).toEqual([]);
  });
});
