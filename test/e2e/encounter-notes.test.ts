// An encounter note written offline in real Chromium: started from a cached summary, NEWS2 live, finalised,
// still queued after a reload with no signal, sent when the signal returns, and on the ICB's server once.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPersistentChromium, setOffline } from './support/browser';
import {
  goTo,
  openSummary,
  seriousViolations,
  setNightTheme,
  waitUntilEverySynced,
} from './support/crew-pages';
import { pickPatients, type KnownPatient } from './support/demo-patients';
import {
  encountersForIncident,
  encountersForNote,
  fillIncident,
  fillObservations,
  fillOutcome,
  news2,
  NOTE_ITEM_SYSTEM,
  observationCodes,
  observationSet,
  openOutbox,
  outboxRow,
} from './support/note-pages';
import { startApp, type RunningApp } from './support/start-app';

const SCREENSHOTS = 'test-results/screenshots';
const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const AREA = ['NG1', 'NG2', 'NG3', 'NG5', 'NG7', 'NG8', 'NG9'];

/** Switches the theme in place (the toggle lives on the home screen, and leaving the form is not the point). */
async function setTheme(page: Page, theme: 'day' | 'night'): Promise<void> {
  await page.evaluate((value) => {
    document.documentElement.dataset.theme = value;
  }, theme);
}

describe('encounter note written offline, sent once when the signal returns', () => {
  let app: RunningApp;
  let userDataDir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let patient: KnownPatient;
  let qt1: string;
  const incidentNumber = `E2E-${String(Date.now())}`;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp({ KERBSIDE_DEMO_PATIENTS: '300' });
    userDataDir = mkdtempSync(join(tmpdir(), 'kerbside-e2e-notes-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    const url = /ICB QT1 .*?: (http:\/\/\S+)/.exec(app.output())?.[1];
    if (url === undefined) throw new Error('npm start printed no QT1 URL');
    qt1 = url;
    const [picked] = await pickPatients(qt1, AREA, 1);
    if (picked === undefined) throw new Error('no patient picked');
    patient = picked;
    context = await launchPersistentChromium(userDataDir, { viewport: LANDSCAPE });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await app.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('pre-caches the area online, then works with no signal', async () => {
    await page.goto(app.appUrl);
    await page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).waitFor();
    await waitUntilEverySynced(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 30_000,
    });
    if (context) await setOffline(context, true);
    await page.reload();
    await page.getByText('Offline.', { exact: true }).waitFor();
  });

  it('starts a note from the summary, shows NEWS2 live, passes axe and looks right in both themes', async () => {
    await goTo(page, 'Search');
    await openSummary(page, patient, false);
    await page.getByRole('button', { name: 'Start encounter note' }).click();
    await page.getByRole('heading', { name: 'Encounter note', exact: true }).waitFor();
    await page.getByText(/Sending to Trentside ICB: patient's record came from there/).waitFor();
    // Finalising an empty note lists what is missing, next to each field and in a summary.
    await page.getByRole('button', { name: 'Finalise note' }).click();
    await page.getByRole('alert', { name: 'The note cannot be finalised yet' }).waitFor();
    await page.locator('#note-incidentNumber-error').waitFor();
    await setTheme(page, 'night');
    await page.screenshot({ path: `${SCREENSHOTS}/note-form-errors-night.png` });
    expect(await seriousViolations(page), 'note form with errors, night').toEqual([]);
    await setTheme(page, 'day');
    await fillIncident(page, incidentNumber);
    await observationSet(page).getByText('NEWS2: enter observations').waitFor();
    await observationSet(page).getByLabel('Respiration rate', { exact: true }).fill('24');
    expect((await news2(page)).score).toBe('2');
    await fillObservations(page);
    expect(await news2(page)).toEqual({ score: '6', band: 'Medium risk: urgent response' });
    await fillOutcome(page);
    await page.getByRole('list', { name: 'ATMIST handover' }).waitFor();
    await page.getByText('Draft saved on this device.').waitFor();

    for (const night of [false, true]) {
      const theme = night ? 'night' : 'day';
      await setTheme(page, theme);
      for (const [orientation, viewport] of [
        ['landscape', LANDSCAPE],
        ['portrait', PORTRAIT],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.screenshot({
          path: `${SCREENSHOTS}/note-form-${theme}-${orientation}.png`,
          fullPage: true,
        });
      }
      await page.setViewportSize(LANDSCAPE);
      expect(await seriousViolations(page), `note form, ${theme}`).toEqual([]);
    }
    await setTheme(page, 'day');
    await page
      .getByRole('alert', { name: 'The note cannot be finalised yet' })
      .waitFor({ state: 'detached' });
  });

  it('finalises: read-only and queued, and still queued after a reload with no signal', async () => {
    await page.getByRole('button', { name: 'Finalise note' }).click();
    await page.getByRole('heading', { name: `Encounter note ${incidentNumber}` }).waitFor();
    expect(await page.getByRole('textbox').count()).toBe(0);
    await page
      .getByTestId('note-state')
      .filter({ hasText: /Waiting to send|Sending/ })
      .waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/note-final-day.png`, fullPage: true });

    await page.reload();
    await page.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' }).waitFor();
    await page.getByTestId('note-queue').filter({ hasText: '1 waiting' }).waitFor();
    await openOutbox(page);
    const row = outboxRow(page, incidentNumber);
    await row
      .getByTestId('note-state')
      .filter({ hasText: /Waiting to send|Sending/ })
      .waitFor();
    await row.getByText("Sending to Trentside ICB: patient's record came from there").waitFor();
    for (const night of [false, true]) {
      await setNightTheme(page, night);
      await openOutbox(page);
      const theme = night ? 'night' : 'day';
      await page.screenshot({ path: `${SCREENSHOTS}/note-outbox-${theme}.png`, fullPage: true });
      expect(await seriousViolations(page), `outbox, ${theme}`).toEqual([]);
    }
    await setNightTheme(page, false);
  });

  it('sends the note when the signal returns, creating one Encounter and its Observations on the ICB', async () => {
    await openOutbox(page);
    const row = outboxRow(page, incidentNumber);
    // Long enough offline for the push engine's backoff to have grown; the `online` event must cut it short.
    await page.waitForTimeout(8_000);
    const online = Date.now();
    if (context) await setOffline(context, false);
    await row.getByTestId('note-state').filter({ hasText: 'Sent' }).waitFor({ timeout: 60_000 });
    const sentAfter = Date.now() - online;
    console.log(`note sent ${String(sentAfter)} ms after the signal returned`);
    expect(sentAfter).toBeLessThan(5_000);
    await row.getByText(/^Encounter\//).waitFor();
    await row.getByText("Sent to Trentside ICB: patient's record came from there").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/note-outbox-sent.png`, fullPage: true });

    const encounters = await encountersForIncident(qt1, incidentNumber);
    expect(encounters).toHaveLength(1);
    const [encounter] = encounters;
    const noteId = encounter?.identifier?.find((identifier) => identifier.system === NOTE_ITEM_SYSTEM)?.value;
    expect(noteId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await encountersForNote(qt1, noteId ?? '')).toHaveLength(1);
    expect(await row.getByText(`Encounter/${encounter?.id ?? ''}`).count()).toBe(1);
    // RR, SpO2, BP, pulse, ACVPU, temperature, glucose, pain, and the NEWS2 total.
    const codes = await observationCodes(qt1, encounter?.id ?? '');
    expect(codes).toEqual(
      [
        '9279-1',
        '59408-5',
        '85354-9',
        '8867-4',
        '1104441000000107',
        '8310-5',
        '2339-0',
        '72514-3',
        '1104051000000101',
      ].sort(),
    );

    await goTo(page, 'Home');
    await page.getByTestId('note-queue').filter({ hasText: '1 sent' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
