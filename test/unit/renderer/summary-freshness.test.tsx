// @vitest-environment happy-dom
// How stale the cached record is: a loud alert past the retention limit or when never synced, a softer note
// past 24 hours, nothing when fresh; and each section's "cached" time follows the ICB's last sync.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { assessFreshness } from '../../../renderer/src/summary/freshness-banner';
import type { IcbFreshness } from '../../../renderer/src/summary/summary-view';
import { SummaryView } from '../../../renderer/src/summary/summary-view';
import {
  DEMO_NOW,
  DEMO_RETENTION_DAYS,
  demoFreshness,
  demoMergedSummary,
  NORTHFIELD,
  TRENTSIDE,
} from './summary-fixtures';

afterEach(cleanup);

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(DEMO_NOW.getTime() - hours * HOUR).toISOString();

function show(freshness: readonly IcbFreshness[]) {
  render(
    <SummaryView
      summary={demoMergedSummary()}
      freshness={freshness}
      retentionDays={DEMO_RETENTION_DAYS}
      now={DEMO_NOW}
    />,
  );
}

describe('freshness banners', () => {
  it('shows no banner when every source synced within 24 hours', () => {
    show(demoFreshness());
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('raises an alert naming the ICB once its copy is older than the retention limit', () => {
    show(demoFreshness({ [NORTHFIELD.odsCode]: ago(8 * 24) }));
    const alert = within(screen.getByRole('alert'));
    expect(alert.getByText('This record may be out of date')).toBeTruthy();
    expect(
      alert.getByText('Northfield ICB: last synced 8 days ago (older than the 7-day limit)'),
    ).toBeTruthy();
    expect(alert.queryByText(/Trentside/)).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows a softer status note, not an alert, once a copy is more than 24 hours old', () => {
    show(demoFreshness({ [TRENTSIDE.odsCode]: ago(30) }));
    expect(screen.queryByRole('alert')).toBeNull();
    const status = within(screen.getByRole('status'));
    expect(status.getByText('Not synced in the last 24 hours')).toBeTruthy();
    expect(status.getByText('Trentside ICB: last synced 1 day ago')).toBeTruthy();
  });

  it('says so when this device never synced a source, as an alert', () => {
    show(demoFreshness({ [NORTHFIELD.odsCode]: undefined }));
    expect(
      within(screen.getByRole('alert')).getByText('Northfield ICB: never synced on this device'),
    ).toBeTruthy();
    const encounters = within(screen.getByRole('region', { name: 'Encounters' }));
    expect(encounters.getByText(/Northfield ICB, updated .*, never synced on this device/)).toBeTruthy();
  });

  it('treats an ICB missing from the freshness list as never synced', () => {
    show([{ ...TRENTSIDE, lastSyncedAt: ago(1) }]);
    expect(
      within(screen.getByRole('alert')).getByText('Northfield ICB: never synced on this device'),
    ).toBeTruthy();
  });

  it('shows both banners when one source is expired and another is over a day old', () => {
    show(demoFreshness({ [TRENTSIDE.odsCode]: ago(48), [NORTHFIELD.odsCode]: ago(10 * 24) }));
    expect(
      within(screen.getByRole('alert')).getByText(/Northfield ICB: last synced 10 days ago/),
    ).toBeTruthy();
    expect(
      within(screen.getByRole('status')).getByText('Trentside ICB: last synced 2 days ago'),
    ).toBeTruthy();
  });

  it("reports the cached age on each section from that ICB's last sync", () => {
    show(demoFreshness({ [TRENTSIDE.odsCode]: ago(30) }));
    const medications = within(screen.getByRole('region', { name: 'Medications' }));
    expect(medications.getByText('Trentside ICB, updated 3 days ago, cached 1 day ago')).toBeTruthy();
  });
});

describe('assessFreshness', () => {
  const icbs = [TRENTSIDE];
  it.each([
    ['exactly 24 hours', 24, 'fresh'],
    ['just over 24 hours', 24.01, 'over-a-day'],
    ['exactly the retention limit', 7 * 24, 'over-a-day'],
    ['just past the retention limit', 7 * 24 + 0.01, 'expired'],
  ])('at %s old the level is %s', (_label, hours, level) => {
    const [state] = assessFreshness(icbs, [{ ...TRENTSIDE, lastSyncedAt: ago(hours) }], 7, DEMO_NOW);
    expect(state?.level).toBe(level);
  });

  it('counts an unreadable lastSyncedAt as never synced', () => {
    const [state] = assessFreshness(icbs, [{ ...TRENTSIDE, lastSyncedAt: 'yesterday' }], 7, DEMO_NOW);
    expect(state?.level).toBe('never-synced');
  });
});
