// The page's search rows in memory, in Chromium against `npm start`: once loaded they answer searches (a row
// removed behind the store's back is still found), and a change the sync worker writes reaches them through
// the store's announcements: a patient renamed on the server is found by the new name after "Sync now", and
// no longer by the old one.
import type { Patient } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { goTo, search, waitUntilEverySynced } from './support/crew-pages';
import { pickPatients, spacedNhsNumber, type KnownPatient } from './support/demo-patients';
import { startApp, type RunningApp } from './support/start-app';

const AREA = ['NG1', 'NG2', 'NG3', 'NG5', 'NG7', 'NG8', 'NG9'];

describe('search rows kept in memory by the page', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let qt1: string;
  let patients: KnownPatient[];

  const results = (text: string) =>
    page.getByRole('list', { name: 'Search results' }).getByRole('button').filter({ hasText: text });

  beforeAll(async () => {
    app = await startApp({ KERBSIDE_DEMO_PRE_ARRIVALS: 'off' });
    qt1 = /ICB QT1 .*?: (http:\/\/\S+)/.exec(app.output())?.[1] ?? '';
    patients = await pickPatients(qt1, AREA, 2);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser.close();
    await app.stop();
  });

  it('follows what the sync worker writes: a renamed patient is found by the new name only', async () => {
    const [, second] = patients;
    if (second === undefined) throw new Error('no second patient picked');
    await page.goto(app.appUrl);
    await waitUntilEverySynced(page);
    // The rows are read into memory 2 s after start, and again 3 s after the sync's last write.
    await page.waitForTimeout(6_000);
    const found = (await (
      await fetch(`${qt1}/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${second.nhsNumber}`)
    ).json()) as { entry?: { resource: Patient }[] };
    const patient = found.entry?.[0]?.resource;
    if (patient === undefined) throw new Error('patient not on the server');
    const renamed = {
      ...patient,
      name: [{ use: 'official' as const, family: 'Quenby', given: ['Wilhelmina'] }],
    };
    const response = await fetch(`${qt1}/Patient/${patient.id ?? ''}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(renamed),
    });
    expect(response.status).toBe(200);
    await goTo(page, 'Home');
    await page.getByRole('button', { name: 'Sync now' }).click({ force: true });
    await waitUntilEverySynced(page);
    await goTo(page, 'Search');
    await expect
      .poll(
        async () => {
          await search(page, '');
          await search(page, 'Wilhelmina Quenby');
          // Results follow the typing after a short pause.
          await page.waitForTimeout(500);
          return results(spacedNhsNumber(second.nhsNumber)).count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    await search(page, `${second.given} ${second.family}`);
    await page
      .getByRole('list', { name: 'Search results' })
      .or(page.getByText(/No patients found on this device/))
      .first()
      .waitFor({ timeout: 10_000 });
    await expect.poll(() => results(spacedNhsNumber(second.nhsNumber)).count(), { timeout: 3_000 }).toBe(0);
  });

  it('answers from memory once loaded', async () => {
    const [first] = patients;
    if (first === undefined) throw new Error('no patient picked');
    await page.reload();
    await waitUntilEverySynced(page);
    // Loaded 2 s after start, and read again once the sync after load has stopped writing (twice the longest
    // gap between its commits: several seconds on a slow machine).
    await page.waitForTimeout(20_000);
    // The patients rows cleared straight in IndexedDB, with no announcement: only memory still has them.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('kerbside-patients');
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(request.error ?? new Error('open failed'));
        };
      });
      await new Promise<void>((resolve, reject) => {
        const transaction = db.transaction('patients', 'readwrite');
        transaction.objectStore('patients').clear();
        transaction.oncomplete = () => {
          resolve();
        };
        transaction.onerror = () => {
          reject(transaction.error ?? new Error('clear failed'));
        };
      });
      db.close();
    });
    await goTo(page, 'Search');
    await search(page, spacedNhsNumber(first.nhsNumber));
    await results(spacedNhsNumber(first.nhsNumber)).first().waitFor({ timeout: 5_000 });
  });
});
