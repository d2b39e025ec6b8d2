// Steps a crew member takes in the app, for the end-to-end tests: wait for sync, search, open a summary,
// switch theme, and check accessibility with axe-core.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { dayFirst, spacedNhsNumber, type KnownPatient } from './demo-patients';

export const ICBS = [
  { odsCode: 'QT1', name: 'Trentside ICB' },
  { odsCode: 'QJ2', name: 'Derwent Valley ICB' },
  { odsCode: 'QK1', name: 'Soar and Wreake ICB' },
] as const;

export async function waitUntilEverySynced(page: Page, timeout = 150_000): Promise<void> {
  for (const icb of ICBS) {
    await page
      .getByRole('listitem', { name: `${icb.name} (${icb.odsCode})` })
      .locator('.kb-icb__status')
      .filter({ hasText: /^Synced / })
      .waitFor({ timeout });
  }
}

export async function goTo(page: Page, place: 'Home' | 'Search' | 'Settings'): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: place, exact: true })
    .click();
}

export async function search(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Search patients', { exact: true });
  await box.fill(text);
}

/** The result row for this patient (found by the formatted NHS number it shows). */
export function resultFor(page: Page, patient: KnownPatient) {
  return page
    .getByRole('list', { name: 'Search results' })
    .getByRole('button')
    .filter({ hasText: spacedNhsNumber(patient.nhsNumber) })
    .first();
}

/** Finds the patient by NHS number, by name and date of birth, and by postcode; returns how long each took. */
export async function findEveryWay(page: Page, patient: KnownPatient): Promise<number[]> {
  const queries = [
    spacedNhsNumber(patient.nhsNumber),
    patient.nhsNumber,
    `${patient.given} ${patient.family} ${dayFirst(patient.birthDate)}`,
    patient.postcode,
  ];
  const times: number[] = [];
  for (const query of queries) {
    const started = Date.now();
    await search(page, query);
    await resultFor(page, patient).waitFor({ timeout: 10_000 });
    times.push(Date.now() - started);
  }
  return times;
}

/** Opens the patient's summary from a search and checks what identifies them is on screen. */
export async function openSummary(page: Page, patient: KnownPatient, checkSections: boolean): Promise<void> {
  await search(page, spacedNhsNumber(patient.nhsNumber));
  await resultFor(page, patient).click();
  const screen = page.locator('.kb-summary-screen');
  try {
    await screen.getByText(spacedNhsNumber(patient.nhsNumber)).first().waitFor({ timeout: 10_000 });
  } catch (error) {
    await page.screenshot({ path: 'test-results/screenshots/crew-summary-failure.png', fullPage: true });
    throw error;
  }
  await screen.getByText(new RegExp(patient.family, 'i')).first().waitFor();
  if (checkSections)
    await screen
      .getByRole('heading', { name: /Allergies/ })
      .first()
      .waitFor();
}

export async function backToSearch(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back to search' }).click();
  await page.getByLabel('Search patients', { exact: true }).waitFor();
}

export async function setNightTheme(page: Page, night: boolean): Promise<void> {
  await goTo(page, 'Home');
  const toggle = page.getByRole('button', { name: 'Night theme' });
  if ((await toggle.getAttribute('aria-pressed')) !== String(night)) await toggle.click();
  await page.locator(`html[data-theme="${night ? 'night' : 'day'}"]`).waitFor({ state: 'attached' });
}

/** Serious and critical WCAG 2.2 A/AA violations on the page as it is, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact ?? ''}): ${violation.nodes
          .slice(0, 5)
          .map((node) => node.target.join(' '))
          .join(' | ')}`,
    );
}
