import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPersistentChromium, setOffline } from './support/browser';
import {
  backToSearch,
  findEveryWay,
  goTo,
  openSummary,
  search,
  seriousViolations,
  setNightTheme,
  waitUntilEverySynced,
} from './support/crew-pages';
import { pickPatients, spacedNhsNumber, type KnownPatient } from './support/demo-patients';
import { startApp, type RunningApp } from './support/start-app';

const SCREENSHOTS = 'test-results/screenshots';
const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };

describe('crew app in a browser: find a patient and read their summary, fully offline', () => {
  let app: RunningApp;
  let userDataDir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let patients: KnownPatient[] = [];
  const pageErrors: string[] = [];

  async function launch(offline: boolean): Promise<void> {
    context = await launchPersistentChromium(userDataDir, { offline, viewport: LANDSCAPE });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }

  beforeAll(async () => {
    app = await startApp({ KERBSIDE_DEMO_PATIENTS: '300' });
    userDataDir = mkdtempSync(join(tmpdir(), 'kerbside-e2e-profile-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await app.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('syncs every ICB in a background worker after the first online load', async () => {
    await launch(false);
    const started = Date.now();
    await page.goto(app.appUrl);
    await page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).waitFor();
    await waitUntilEverySynced(page);
    console.log(`first sync of the 300-patient world: ${Date.now() - started} ms`);
    // The service worker has precached the shell and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 10_000,
    });
    await expect(page.getByTestId('note-queue').textContent()).resolves.toBe('None yet');

    const qt1 = /ICB QT1 .*?: (http:\/\/\S+)/.exec(app.output())?.[1];
    if (qt1 === undefined) throw new Error('npm start printed no QT1 URL');
    const area = ['NG1', 'NG2', 'NG3', 'NG5', 'NG7', 'NG8', 'NG9'];
    patients = await pickPatients(qt1, area, 3);
  });

  it('starts offline from the service worker and finds each patient by NHS number, name and DOB, and postcode', async () => {
    if (context) await setOffline(context, true);
    await page.reload();
    await page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).waitFor();
    await goTo(page, 'Search');
    for (const patient of patients) {
      const times = await findEveryWay(page, patient);
      console.log(`offline search ${patient.nhsNumber}: ${times.join(', ')} ms (to result on screen)`);
    }
    await search(page, '943 476 5918');
    await page.getByText('That NHS number is not valid: check digit', { exact: true }).waitFor();
    await search(page, 'Zzyzzyx 01/01/1901');
    await page.getByText(/No patients found on this device/).waitFor();
  });

  it('opens the merged summary offline, and every screen passes axe in both themes', async () => {
    const [first] = patients;
    if (first === undefined) throw new Error('no patients picked');
    await openSummary(page, first, true);
    await backToSearch(page);

    for (const night of [false, true]) {
      await setNightTheme(page, night);
      const theme = night ? 'night' : 'day';
      expect(await seriousViolations(page), `home, ${theme}`).toEqual([]);
      for (const [orientation, viewport] of [
        ['landscape', LANDSCAPE],
        ['portrait', PORTRAIT],
      ] as const) {
        await page.setViewportSize(viewport);
        await goTo(page, 'Search');
        await search(page, spacedNhsNumber(first.nhsNumber));
        await page.getByRole('list', { name: 'Search results' }).waitFor();
        await page.screenshot({
          path: `${SCREENSHOTS}/crew-search-${theme}-${orientation}.png`,
          fullPage: true,
        });
        if (orientation === 'landscape')
          expect(await seriousViolations(page), `search, ${theme}`).toEqual([]);
        await openSummary(page, first, true);
        await page.screenshot({
          path: `${SCREENSHOTS}/crew-summary-${theme}-${orientation}.png`,
          fullPage: true,
        });
        if (orientation === 'landscape')
          expect(await seriousViolations(page), `summary, ${theme}`).toEqual([]);
        await backToSearch(page);
      }
      await page.setViewportSize(LANDSCAPE);
      await goTo(page, 'Settings');
      await page.getByRole('heading', { name: 'Quarantine' }).waitFor();
      await page.getByText('Measuring…').waitFor({ state: 'detached' });
      await page.screenshot({ path: `${SCREENSHOTS}/crew-settings-${theme}.png`, fullPage: true });
      expect(await seriousViolations(page), `settings, ${theme}`).toEqual([]);
    }
    await setNightTheme(page, false);
    await page.screenshot({ path: `${SCREENSHOTS}/crew-home-offline.png`, fullPage: true });
  });

  it('after the browser restarts with no network, it starts, searches and shows summaries again', async () => {
    await context?.close();
    context = undefined;
    await launch(true);
    await page.goto(app.appUrl);
    await page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).waitFor();
    await page.getByText('Offline.', { exact: true }).waitFor();
    await goTo(page, 'Search');
    for (const patient of patients) await findEveryWay(page, patient);
    for (const patient of patients) {
      await openSummary(page, patient, true);
      await backToSearch(page);
    }
    expect(pageErrors).toEqual([]);
  });
});
