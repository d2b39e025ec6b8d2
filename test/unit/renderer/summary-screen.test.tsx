// @vitest-environment happy-dom
// Opening a hit: the screen asks the store for the hit's rows and every other row with its NHS number, so
// a person cached by two ICBs opens with both even when the search matched one of them.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SummaryScreen } from '../../../renderer/src/screens/summary-screen';
import type { StoredSummary } from '../../../sync/store';
import { patient } from '../../fixtures/fhir/patient-record';
import type { Profile } from '../../../sync/provisioning-profile';
import crew from '../../../demo/profiles/crew.json';
import { DEMO_NOW } from './summary-fixtures';

afterEach(cleanup);

const profile = crew as unknown as Profile;

function stored(icb: string, family: string): StoredSummary {
  return {
    icb,
    key: `${icb}-row`,
    summary: null,
    raw: [patient('p1', { name: [{ use: 'official', family, given: ['Jane'] }] })],
    refreshedAt: DEMO_NOW.getTime(),
  };
}

describe('SummaryScreen', () => {
  it("reads the hit's rows with its NHS number, and shows every ICB the store returns", async () => {
    const readSummaries = vi.fn((_keys: readonly string[], _nhsNumber?: string) =>
      Promise.resolve([stored('QT1', 'Smith'), stored('QJ2', 'Jones')]),
    );
    render(
      <SummaryScreen
        store={{ readSummaries }}
        hit={{
          nhsNumber: '9434765919',
          displayName: 'Jane Smith',
          restricted: false,
          deceased: false,
          sources: [{ icb: 'QT1', key: 'QT1-row' }],
        }}
        profile={profile}
        lastSyncedAt={{}}
        now={DEMO_NOW}
        onBack={() => undefined}
      />,
    );
    await screen.findByRole('heading', { name: 'Allergies' });
    expect(readSummaries).toHaveBeenCalledWith(['QT1-row'], '9434765919');
    expect(screen.getAllByText(/Derwent Valley ICB/).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/Trentside ICB/).length).toBeGreaterThan(0);
  });
});
