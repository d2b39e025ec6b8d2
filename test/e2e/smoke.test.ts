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

  it('opens in Chromium and shows the provisioned area with each ICB patient count', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.appUrl);
    await expect(
      page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).isVisible(),
    ).resolves.toBe(true);
    for (const name of ['Trentside ICB (QT1)', 'Derwent Valley ICB (QJ2)', 'Soar and Wreake ICB (QK1)']) {
      const row = page.getByRole('listitem', { name });
      await row.getByText(/patients in area of/).waitFor({ timeout: 15_000 });
      const text = (await row.locator('.icb-status').textContent()) ?? '';
      const [, inArea, total] = /([\d,]+) patients in area of ([\d,]+)/.exec(text) ?? [];
      expect(Number(total?.replace(/,/g, ''))).toBeGreaterThan(0);
      expect(Number(inArea?.replace(/,/g, ''))).toBeLessThanOrEqual(Number(total?.replace(/,/g, '')));
    }
    mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/smoke-home.png', fullPage: true });
    expect(errors).toEqual([]);
  });
});
