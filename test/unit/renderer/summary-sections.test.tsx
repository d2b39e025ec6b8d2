// @vitest-environment happy-dom
// Each section with content and empty, the three allergy states (recorded, no known allergies, nothing
// recorded) told apart in words and style, and the markers that change treatment (DNACPR, anticoagulants).
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SummaryView } from '../../../renderer/src/summary/summary-view';
import type { MergedSummary } from '../../../sync/projection';
import { allergy, flag, patient, snomed } from '../../fixtures/fhir/patient-record';
import {
  DEMO_NOW,
  DEMO_RETENTION_DAYS,
  demoFreshness,
  demoMergedSummary,
  trentsideSummary,
} from './summary-fixtures';

afterEach(cleanup);

function show(summary: MergedSummary) {
  render(
    <SummaryView
      summary={summary}
      freshness={demoFreshness()}
      retentionDays={DEMO_RETENTION_DAYS}
      now={DEMO_NOW}
    />,
  );
}

function section(name: string) {
  return within(screen.getByRole('region', { name }));
}

const empty = () => trentsideSummary([patient('p1', { generalPractitioner: undefined, contact: undefined })]);

describe('sections with content', () => {
  it('Resuscitation: each decision with its kind, date and who holds the document, drawn prominently', () => {
    show(demoMergedSummary());
    const region = screen.getByRole('region', { name: 'Resuscitation' });
    expect(region.className).toMatch(/kbs-section--prominent/);
    const items = within(region).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.kbs-item__title')?.textContent)).toEqual([
      'ReSPECT ReSPECT form',
      'DNACPR Do not attempt CPR',
    ]);
    expect(items[1]?.textContent).toMatch(/Date: 1 Feb 2024/);
    expect(items[1]?.textContent).toMatch(/Document held by: County Durham Hospice/);
    expect(items[0]?.textContent).toMatch(/Document: ReSPECT form \(PDF\)/);
  });

  it('Allergies: substance, reactions with severity in words, and criticality', () => {
    show(demoMergedSummary());
    const allergies = section('Allergies');
    expect(allergies.getByText('High criticality')).toBeTruthy();
    expect(
      within(allergies.getByRole('list', { name: 'Reactions to Penicillin' })).getByRole('listitem')
        .textContent,
    ).toBe('Anaphylaxis (severe)');
  });

  it('Alerts: violence risk, safeguarding, communication needs and implanted devices, each labelled in words', () => {
    show(demoMergedSummary());
    const alerts = section('Alerts');
    const titles = alerts
      .getAllByRole('listitem')
      .map((item) => item.querySelector('.kbs-item__title')?.textContent);
    expect(titles).toEqual([
      'Violence or aggression risk Violent and aggressive behaviour towards staff',
      'Safeguarding Safeguarding concern: vulnerable adult',
      'Communication needs Hearing impaired: needs BSL interpreter',
      'Implanted device Cardiac pacemaker',
    ]);
  });

  it('Alerts: hides an alert whose end date passed after the record was cached', () => {
    show(
      trentsideSummary([
        flag('f1', 'Temporary key safe', { period: { start: '2025-01-01', end: '2025-06-05' } }),
      ]),
    );
    expect(section('Alerts').getByText(/Temporary key safe/)).toBeTruthy();
    cleanup();
    render(
      <SummaryView
        summary={trentsideSummary([
          flag('f1', 'Temporary key safe', { period: { start: '2025-01-01', end: '2025-06-05' } }),
        ])}
        freshness={demoFreshness()}
        retentionDays={DEMO_RETENTION_DAYS}
        now={new Date('2025-06-06T09:00:00Z')}
      />,
    );
    expect(section('Alerts').queryByText(/Temporary key safe/)).toBeNull();
    expect(section('Alerts').getByText('No alerts recorded')).toBeTruthy();
  });

  it('Plans: mental health crisis plan with its date and author', () => {
    show(demoMergedSummary());
    const item = section('Plans').getByRole('listitem');
    expect(item.textContent).toMatch(/Mental health crisis plan/);
    expect(item.textContent).toMatch(/Date: 10 Jan 2025 · Author: Trentside Crisis Team/);
  });

  it('Medications: anticoagulants and insulin first and marked in words, with doses', () => {
    show(demoMergedSummary());
    const items = section('Medications').getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.kbs-item__title')?.textContent)).toEqual([
      'Apixaban 5mg tablets Anticoagulant: bleeding risk',
      'Insulin glargine 100 units/ml pen Insulin: hypoglycaemia risk',
      'Amlodipine 5mg tablets ',
    ]);
    expect(items[0]?.textContent).toMatch(/Dose: One tablet twice a day/);
  });

  it('Problems, Care plans and Encounters list what the record holds', () => {
    show(demoMergedSummary());
    expect(
      section('Problems')
        .getAllByRole('listitem')
        .map((item) => item.querySelector('.kbs-item__title')?.textContent),
    ).toEqual(['Hypertension', 'Type 2 diabetes mellitus']);
    expect(section('Care plans').getByRole('listitem').textContent).toMatch(
      /Diabetes care plan.*Author: Dr A Jones/,
    );
    const encounters = section('Encounters').getAllByRole('listitem');
    expect(encounters[0]?.textContent).toMatch(/^1 Mar 2025: Consultation.*Reason: Chest pain/);
    expect(encounters[1]?.textContent).toMatch(/^15 Jan 2025: Emergency department attendance/);
  });

  it('Baseline observations: values with their dates, and the SpO2 target with its NEWS2 scale', () => {
    show(demoMergedSummary());
    const observations = section('Baseline observations');
    expect(observations.getByText(/Usual SpO2 target/).parentElement?.textContent).toMatch(
      /SpO2 target 88-92%.*NEWS2 SpO2 scale 2/,
    );
    const readings = observations.getAllByRole('listitem').map((item) => item.textContent);
    expect(readings).toContain('Blood pressure panel 142/88 mmHg on 1 Mar 2025');
    expect(readings).toContain('Heart rate 78 /min on 1 Mar 2025');
  });

  it('Contacts: next of kin first, phone numbers as tap-to-call links', () => {
    show(demoMergedSummary());
    const items = section('Contacts').getAllByRole('listitem', { name: undefined });
    const contacts = items.filter((item) => item.classList.contains('kbs-item'));
    expect(contacts[0]?.textContent).toMatch(/^John Smith Next of kin/);
    const call = within(contacts[0] as HTMLElement).getByRole('link', { name: 'Call 07700 900002' });
    expect(call.getAttribute('href')).toBe('tel:07700900002');
    expect(contacts[1]?.textContent).toMatch(/^Pat Jones/);
  });

  it('Registered GP: the practice name and ODS code', () => {
    show(demoMergedSummary());
    expect(section('Registered GP').getByText('The Dense Surgery (A81001)')).toBeTruthy();
  });
});

describe('empty sections', () => {
  it.each([
    ['Resuscitation', 'No resuscitation decision recorded'],
    ['Alerts', 'No alerts recorded'],
    ['Plans', 'No end-of-life or mental health crisis plan recorded'],
    ['Medications', 'No current medications recorded'],
    ['Problems', 'No active problems recorded'],
    ['Care plans', 'No active care plans recorded'],
    ['Baseline observations', 'No baseline observations recorded'],
    ['Encounters', 'No recent encounters recorded'],
    ['Contacts', 'No contacts recorded'],
    ['Registered GP', 'No registered GP recorded'],
  ])('%s says "%s" and lists nothing', (name, text) => {
    show(empty());
    const region = section(name);
    expect(region.getByText(text)).toBeTruthy();
    expect(region.queryByRole('listitem')).toBeNull();
    expect(region.getByText('Trentside ICB, cached 5 h ago')).toBeTruthy();
  });

  it('does not draw an empty Resuscitation section as prominent', () => {
    show(empty());
    expect(screen.getByRole('region', { name: 'Resuscitation' }).className).not.toMatch(/prominent/);
  });
});

describe('allergy states', () => {
  const noKnownAllergy = allergy('n1', {
    code: snomed('716186003', 'No known allergy'),
    category: undefined,
  });

  it('shows "No known allergies" in reassuring style, with the statement as recorded', () => {
    show(trentsideSummary([noKnownAllergy]));
    const allergies = section('Allergies');
    const status = allergies.getByText('No known allergies');
    expect(status.closest('.kbs-empty')?.className).toMatch(/kbs-empty--reassuring/);
    expect(allergies.getByText('Recorded as: No known allergy (1 Feb 2019)')).toBeTruthy();
    expect(allergies.queryByText('No allergy information recorded')).toBeNull();
  });

  it('shows "No allergy information recorded" differently (text and style) when nothing is recorded', () => {
    show(empty());
    const allergies = section('Allergies');
    const status = allergies.getByText('No allergy information recorded');
    expect(status.closest('.kbs-empty')?.className).toMatch(/kbs-empty--unknown/);
    expect(allergies.getByText(/not the same as no known allergies/)).toBeTruthy();
    expect(allergies.queryByText('No known allergies')).toBeNull();
  });

  it('lists recorded allergies and neither empty state', () => {
    show(trentsideSummary([allergy('a1')]));
    const allergies = section('Allergies');
    expect(allergies.getByText('Penicillin')).toBeTruthy();
    expect(allergies.queryByText('No known allergies')).toBeNull();
    expect(allergies.queryByText('No allergy information recorded')).toBeNull();
  });

  it('shows the conflict note when "no known allergy" contradicts a recorded allergy', () => {
    show(trentsideSummary([allergy('a1'), { ...noKnownAllergy, category: ['medication'] }]));
    const allergies = section('Allergies');
    expect(allergies.getByText('Conflicting allergy records')).toBeTruthy();
    expect(allergies.getByText(/treat the allergies as present/)).toBeTruthy();
    expect(allergies.getByText('Penicillin')).toBeTruthy();
  });
});
