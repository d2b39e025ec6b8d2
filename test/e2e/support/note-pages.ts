// Steps of writing an encounter note in the app, for the end-to-end tests: fill the form, read NEWS2, open
// the outbox, and read what a demo ICB server holds for the note over FHIR.
import type { Locator, Page } from 'playwright-core';

export const NOTE_ITEM_SYSTEM = 'https://kerbside.example/Id/note-item';

async function fill(scope: Page | Locator, label: string, value: string): Promise<void> {
  await scope.getByLabel(label, { exact: true }).fill(value);
}

async function choose(scope: Page | Locator, group: string, option: string): Promise<void> {
  await scope.getByRole('group', { name: group, exact: true }).getByText(option, { exact: true }).click();
}

export function observationSet(page: Page, index = 1): Locator {
  return page.getByRole('group', { name: `Observations, set ${String(index)}` });
}

/** The NEWS2 panel of the first observation set: the score and the band, as shown. */
export async function news2(page: Page): Promise<{ score: string; band: string }> {
  const panel = observationSet(page).getByTestId('news2');
  return {
    score: (await panel.getByTestId('news2-score').textContent()) ?? '',
    band: (await panel.getByTestId('news2-band').textContent()) ?? '',
  };
}

export async function fillIncident(page: Page, incidentNumber: string): Promise<void> {
  await fill(page, 'Incident number', incidentNumber);
  await fill(page, 'Incident postcode', 'NG7 2UH');
  await fill(page, 'Presenting complaint', 'Shortness of breath, worse since this morning');
}

/** One full set of observations scoring NEWS2 6 (medium): RR 24 (2), SpO2 93 (2), pulse 112 (2). */
export async function fillObservations(page: Page): Promise<void> {
  const set = observationSet(page);
  await fill(set, 'Respiration rate', '24');
  await fill(set, 'SpO2', '93');
  await choose(set, 'Air or oxygen', 'Air');
  await fill(set, 'Systolic BP', '128');
  await fill(set, 'Diastolic BP', '76');
  await fill(set, 'Pulse', '112');
  await choose(set, 'Consciousness (ACVPU)', 'Alert');
  await fill(set, 'Temperature', '37.2');
  await fill(set, 'Blood glucose', '6.1');
  await fill(set, 'Pain score', '2');
}

export async function fillOutcome(page: Page): Promise<void> {
  await fill(page, 'Impression', 'Infective exacerbation of COPD');
  await fill(page, 'Clinical notes', 'Productive cough for three days. Lives alone.');
  await choose(page, 'Outcome', 'Conveyed');
  await fill(page, 'Conveyed to', "Queen's Medical Centre");
  await fill(page, 'ODS code, if known', 'RX1');
}

export async function openOutbox(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: 'Outbox', exact: true })
    .click();
  await page.getByRole('heading', { name: 'Outbox', exact: true }).waitFor();
}

/** The outbox row of a note, by its incident number. */
export function outboxRow(page: Page, incidentNumber: string): Locator {
  return page.getByRole('listitem', { name: `Incident ${incidentNumber}`, exact: true });
}

interface SearchBundle<T> {
  readonly total?: number;
  readonly entry?: readonly { readonly resource?: T }[];
}

export interface ServerEncounter {
  readonly id: string;
  readonly identifier?: readonly { readonly system?: string; readonly value?: string }[];
}

async function search<T>(url: string): Promise<T[]> {
  const response = await fetch(url, { headers: { accept: 'application/fhir+json' } });
  if (!response.ok) throw new Error(`${url}: HTTP ${String(response.status)}`);
  const bundle = (await response.json()) as SearchBundle<T>;
  return (bundle.entry ?? []).flatMap((entry) => (entry.resource === undefined ? [] : [entry.resource]));
}

/** The Encounters on a FHIR server that carry a CAD incident number. */
export function encountersForIncident(
  fhirBaseUrl: string,
  incidentNumber: string,
): Promise<ServerEncounter[]> {
  return search<ServerEncounter>(
    `${fhirBaseUrl}/Encounter?identifier=${encodeURIComponent(`https://kerbside.example/Id/cad-incident|${incidentNumber}`)}`,
  );
}

/** The Encounters carrying Kerbside's note identifier (the note id). */
export function encountersForNote(fhirBaseUrl: string, noteId: string): Promise<ServerEncounter[]> {
  return search<ServerEncounter>(
    `${fhirBaseUrl}/Encounter?identifier=${encodeURIComponent(`${NOTE_ITEM_SYSTEM}|${noteId}`)}`,
  );
}

/** LOINC / SNOMED codes of the Observations that reference an Encounter. */
export async function observationCodes(fhirBaseUrl: string, encounterId: string): Promise<string[]> {
  const observations = await search<{ code?: { coding?: { code?: string }[] } }>(
    `${fhirBaseUrl}/Observation?encounter=Encounter/${encounterId}&_count=100`,
  );
  return observations.map((observation) => observation.code?.coding?.[0]?.code ?? '').sort();
}
