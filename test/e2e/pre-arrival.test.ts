// Pre-arrival requests end to end in Chromium against `npm start`: the demo control room's two requests reach
// the crew's home screen, are marked received and accepted on the dispatch server, open the patient's summary
// (also for a patient outside the cached area, and offline), an accept made offline is sent when the signal
// returns, and a request the control room cancels leaves the device.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '@medplum/fhirtypes';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPersistentChromium, setOffline } from './support/browser';
import { goTo, seriousViolations, setNightTheme } from './support/crew-pages';
import { spacedNhsNumber } from './support/demo-patients';
import { startApp, type RunningApp } from './support/start-app';

const SCREENSHOTS = 'test-results/screenshots';
const NEAR = 'DEMO-260001';
const FAR = 'DEMO-260002';

async function tasks(app: RunningApp): Promise<Map<string, Task>> {
  const response = await fetch(`${app.dispatchUrl}/Task?_count=100`);
  const bundle = (await response.json()) as { entry?: { resource: Task }[] };
  return new Map(
    (bundle.entry ?? []).map(({ resource }) => [resource.input?.[0]?.valueIdentifier?.value ?? '', resource]),
  );
}

async function serverStatus(app: RunningApp, incident: string): Promise<string | undefined> {
  return (await tasks(app)).get(incident)?.status;
}

async function waitForStatus(app: RunningApp, incident: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await serverStatus(app, incident)) !== status) {
    if (Date.now() > deadline)
      throw new Error(`Task ${incident} is ${String(await serverStatus(app, incident))}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('pre-arrival requests from the control room', () => {
  let app: RunningApp;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const card = (incident: string) =>
    page
      .getByRole('list', { name: 'Pre-arrival requests' })
      .getByRole('listitem', { name: `Incident ${incident}` });

  beforeAll(async () => {
    app = await startApp();
    userDataDir = mkdtempSync(join(tmpdir(), 'kerbside-e2e-prearrival-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    context = await launchPersistentChromium(userDataDir, { viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context.close();
    await app.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('shows both requests on home, most urgent first, and tells dispatch they were received', async () => {
    expect(app.output()).toMatch(/Pre-arrival request for EM-A123: incident DEMO-260001/);
    await page.goto(app.appUrl);
    await card(FAR).waitFor({ timeout: 30_000 });
    const titles = await page
      .getByRole('list', { name: 'Pre-arrival requests' })
      .getByRole('heading', { level: 3 })
      .allTextContents();
    // As soon as possible before urgent.
    expect(titles).toEqual([`Incident ${FAR}`, `Incident ${NEAR}`]);
    await waitForStatus(app, NEAR, 'received');
    await waitForStatus(app, FAR, 'received');
    const far = (await tasks(app)).get(FAR);
    const nhsNumber = far?.for?.identifier?.value ?? '';
    await card(FAR).getByText(spacedNhsNumber(nhsNumber)).waitFor();
    await card(FAR)
      .getByText(/^Records from .*ICB, fetched/)
      .waitFor({ timeout: 30_000 });
    await page
      .getByTestId('pre-arrivals')
      .getByText(/^2 open · 2 not accepted/)
      .waitFor();
  });

  it('opens the summary of a patient outside the cached area from the records fetched with the request', async () => {
    const far = (await tasks(app)).get(FAR);
    const nhsNumber = far?.for?.identifier?.value ?? '';
    await card(FAR)
      .getByRole('button', { name: `Open summary for incident ${FAR}` })
      .click();
    const summary = page.locator('.kb-summary-screen');
    await summary.getByText(spacedNhsNumber(nhsNumber)).first().waitFor({ timeout: 10_000 });
    await summary
      .getByRole('heading', { name: /Allergies/ })
      .first()
      .waitFor();
    // On any other screen, an unaccepted request is announced.
    await page.getByRole('alert').filter({ hasText: 'Pre-arrival request from control' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/prearrival-summary.png`, fullPage: true });
    expect(await seriousViolations(page), 'pre-arrival summary').toEqual([]);
    // A note started here carries the control room's incident number and words.
    await page.getByRole('button', { name: 'Start encounter note' }).click();
    await expect(page.getByLabel('Incident number', { exact: true }).inputValue()).resolves.toBe(FAR);
    await expect(page.getByLabel('Presenting complaint', { exact: true }).inputValue()).resolves.toBe(
      far?.description,
    );
    await goTo(page, 'Home');
    await card(FAR).waitFor();
  });

  it('accepts a request online, and another offline that reaches dispatch when the signal returns', async () => {
    await card(NEAR)
      .getByRole('button', { name: `Accept incident ${NEAR}` })
      .click();
    await card(NEAR).getByText('Accepted', { exact: true }).waitFor();
    await waitForStatus(app, NEAR, 'accepted');
    await page.screenshot({ path: `${SCREENSHOTS}/prearrival-home.png`, fullPage: true });
    expect(await seriousViolations(page), 'home with requests').toEqual([]);
    // The night theme, upright, as a crew would hold a tablet in the cab at night.
    await setNightTheme(page, true);
    await page.setViewportSize({ width: 800, height: 1280 });
    await card(FAR).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/prearrival-home-night-portrait.png`, fullPage: true });
    expect(await seriousViolations(page), 'home with requests, night').toEqual([]);
    await setNightTheme(page, false);
    await page.setViewportSize({ width: 1280, height: 800 });

    await setOffline(context, true);
    await card(FAR)
      .getByRole('button', { name: `Accept incident ${FAR}` })
      .click();
    await card(FAR).getByText('Accepted here; control is told when the signal returns').waitFor();
    expect(await serverStatus(app, FAR)).toBe('received');

    // Offline after a reload: the requests and the fetched records are on the device.
    await page.reload();
    await card(FAR).waitFor({ timeout: 15_000 });
    await card(FAR)
      .getByRole('button', { name: `Open summary for incident ${FAR}` })
      .click();
    await page
      .locator('.kb-summary-screen')
      .getByRole('heading', { name: /Allergies/ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Back to home' }).click();

    await setOffline(context, false);
    await waitForStatus(app, FAR, 'accepted');
    await card(FAR).getByText('Accepted', { exact: true }).waitFor({ timeout: 15_000 });
  });

  it('drops a request the control room cancels', async () => {
    const near = (await tasks(app)).get(NEAR);
    if (near === undefined) throw new Error('no Task for the near incident');
    const response = await fetch(`${app.dispatchUrl}/Task/${near.id ?? ''}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...near, status: 'cancelled' }),
    });
    expect(response.status).toBe(200);
    await page.reload();
    await card(FAR).waitFor({ timeout: 15_000 });
    await card(NEAR).waitFor({ state: 'detached', timeout: 15_000 });
    await goTo(page, 'Search');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
