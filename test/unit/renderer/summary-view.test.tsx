// @vitest-environment happy-dom
// The summary screen as a whole: identification header, safety-critical sections first and in order,
// sources on every section, items from two ICBs naming both, and restricted records withheld.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SummaryView } from '../../../renderer/src/summary/summary-view';
import type { MergedSummary } from '../../../sync/projection';
import { patient } from '../../fixtures/fhir/patient-record';
import {
  DEMO_NOW,
  DEMO_RETENTION_DAYS,
  demoFreshness,
  demoMergedSummary,
  mergedFrom,
  NORTHFIELD,
  penicillinAllergy,
  TRENTSIDE,
} from './summary-fixtures';

afterEach(cleanup);

function show(summary: MergedSummary = demoMergedSummary()) {
  return render(
    <SummaryView
      summary={summary}
      freshness={demoFreshness()}
      retentionDays={DEMO_RETENTION_DAYS}
      now={DEMO_NOW}
    />,
  );
}

const SECTION_ORDER = [
  'Resuscitation',
  'Allergies',
  'Alerts',
  'Plans',
  'Medications',
  'Problems',
  'Care plans',
  'Baseline observations',
  'Encounters',
  'Contacts',
  'Registered GP',
];

describe('SummaryView header', () => {
  it('identifies the patient: name, date of birth with age, spaced NHS number, gender, address and GP', () => {
    show();
    const header = within(screen.getByRole('banner'));
    expect(screen.getByRole('heading', { level: 1, name: 'SMITH, Jane Ann' })).toBeTruthy();
    expect(header.getByText('14 Mar 1948 (77 years)')).toBeTruthy();
    expect(header.getByText('943 476 5919')).toBeTruthy();
    expect(header.getByText('Female')).toBeTruthy();
    expect(header.getByText(/1 High Street, Durham, DH1 1AA/)).toBeTruthy();
    expect(header.getByText('The Dense Surgery (A81001)')).toBeTruthy();
    expect(header.queryByText('Deceased')).toBeNull();
  });

  it('marks a deceased patient, with the date of death and age at death', () => {
    show(mergedFrom([[TRENTSIDE, [patient('p1', { deceasedDateTime: '2025-05-30T08:00:00Z' })]]]));
    const header = within(screen.getByRole('banner'));
    expect(header.getByText('Deceased')).toBeTruthy();
    expect(header.getByText(/Died 30 May 2025/)).toBeTruthy();
    expect(header.getByText('14 Mar 1948 (aged 77 years)')).toBeTruthy();
  });
});

describe('SummaryView sections', () => {
  it('puts every section under an h2, safety-critical first: Resuscitation, Allergies, Alerts, Plans, then the rest', () => {
    show();
    const headings = screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent);
    expect(headings).toEqual(SECTION_ORDER);
  });

  it('keeps the same order and headings when every section is empty', () => {
    show(mergedFrom([[TRENTSIDE, [patient('p1', { generalPractitioner: undefined, contact: undefined })]]]));
    const headings = screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent);
    expect(headings).toEqual(SECTION_ORDER);
  });

  it('names the source ICB and its freshness on every section', () => {
    show();
    for (const name of SECTION_ORDER) {
      const section = within(screen.getByRole('region', { name }));
      expect(section.getByText(/^Source:/).parentElement?.textContent, name).toMatch(
        /(Trentside|Northfield) ICB(, updated [^,]+)?, cached 5 h ago/,
      );
    }
  });

  it('says "Trentside ICB, updated 3 days ago, cached 5 h ago" from item lastUpdated and the last sync', () => {
    show();
    const medications = within(screen.getByRole('region', { name: 'Medications' }));
    expect(medications.getByText('Trentside ICB, updated 3 days ago, cached 5 h ago')).toBeTruthy();
  });

  it('shows an allergy both ICBs recorded once, naming both ICBs', () => {
    show();
    const allergies = within(screen.getByRole('region', { name: 'Allergies' }));
    expect(allergies.getAllByText('Penicillin')).toHaveLength(1);
    expect(allergies.getByText('From Trentside ICB and Northfield ICB')).toBeTruthy();
    expect(allergies.getByText(/^Trentside ICB, updated/)).toBeTruthy();
    expect(allergies.getByText(/^; Northfield ICB, updated/)).toBeTruthy();
  });

  it('names the ICB of each item in a section fed by two ICBs', () => {
    show();
    const alerts = within(screen.getByRole('region', { name: 'Alerts' }));
    expect(alerts.getByText(/Safeguarding concern/).closest('li')?.textContent).toMatch(
      /From Northfield ICB$/,
    );
    expect(alerts.getByText(/Violent and aggressive/).closest('li')?.textContent).toMatch(
      /From Trentside ICB$/,
    );
  });
});

describe('SummaryView restricted records', () => {
  const restrictedPatient = patient('p1', {
    meta: {
      lastUpdated: '2025-05-20T00:00:00Z',
      security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
    },
    text: { status: 'additional', div: '<div>Lives at the refuge on Mill Lane</div>' },
  });
  const restricted = () =>
    mergedFrom([
      [TRENTSIDE, [patient('p1'), penicillinAllergy('a1')]],
      [NORTHFIELD, [restrictedPatient]],
    ]);

  it('shows the restricted notice instead of the clinical content', () => {
    show(restricted());
    expect(screen.getByRole('heading', { level: 2, name: 'Restricted record' })).toBeTruthy();
    expect(screen.getByText(/This record is restricted/).textContent).toMatch(
      /withheld on this device.*control room or clinical hub/,
    );
    for (const name of SECTION_ORDER) expect(screen.queryByRole('region', { name })).toBeNull();
    expect(screen.queryByText('Penicillin')).toBeNull();
    expect(screen.queryByText(/refuge/)).toBeNull();
    expect(screen.queryByText('Narrative from the record')).toBeNull();
  });

  it('still identifies the patient by name, date of birth and NHS number, and nothing more', () => {
    show(restricted());
    const header = within(screen.getByRole('banner'));
    expect(header.getByRole('heading', { level: 1, name: 'SMITH, Jane Ann' })).toBeTruthy();
    expect(header.getByText(/14 Mar 1948/)).toBeTruthy();
    expect(header.getByText('943 476 5919')).toBeTruthy();
    expect(screen.queryByText(/High Street/)).toBeNull();
    expect(screen.queryByText(/Dense Surgery/)).toBeNull();
    expect(screen.queryByText(/07700/)).toBeNull();
  });
});
