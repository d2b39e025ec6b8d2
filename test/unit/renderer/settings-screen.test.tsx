// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../sync/provisioning-profile';
import type { QuarantineEntry } from '../../../sync/store';
import { SettingsScreen } from '../../../renderer/src/screens/settings-screen';
import crew from '../../../demo/profiles/crew.json';

const profile = crew as unknown as Profile;

function renderSettings(quarantine: QuarantineEntry[]) {
  render(
    <SettingsScreen
      store={{
        counts: () =>
          Promise.resolve({ patients: 213, byIcb: { QT1: 121, QJ2: 92 }, quarantined: quarantine.length }),
        quarantineList: () => Promise.resolve(quarantine),
        estimateBytes: () => Promise.resolve(842_000),
      }}
      profile={profile}
      storageEstimate={() => Promise.resolve({ usage: 9_800_000, quota: 10_000_000_000 })}
      serviceWorkerState={() => Promise.resolve('active')}
      version="0.1.0"
      buildTime="2026-06-01T12:00:00.000Z"
      theme="night"
      onThemeChange={() => undefined}
    />,
  );
}

afterEach(() => {
  cleanup();
});

describe('SettingsScreen', () => {
  it('lists quarantined resources with their ICB and reason', async () => {
    renderSettings([
      {
        icb: 'QT1',
        resourceType: 'AllergyIntolerance',
        resourceId: 'a1',
        reason: 'AllergyIntolerance.patient is missing',
        at: Date.parse('2026-06-01T11:00:00Z'),
      },
      { icb: 'QJ2', reason: 'resource larger than 1 MiB', at: Date.parse('2026-06-01T10:00:00Z') },
    ]);
    const list = await screen.findByRole('list', { name: 'Quarantined records' });
    const entries = within(list).getAllByRole('listitem');
    expect(entries).toHaveLength(2);
    expect(entries[0]?.textContent).toContain('AllergyIntolerance/a1 from Trentside ICB');
    expect(entries[0]?.textContent).toContain('AllergyIntolerance.patient is missing');
    expect(entries[1]?.textContent).toContain('Resource from Derwent Valley ICB');
    expect(entries[1]?.textContent).toContain('resource larger than 1 MiB');
  });

  it('says when nothing is quarantined, and shows storage, counts, version and service worker', async () => {
    renderSettings([]);
    expect(await screen.findByText('No records have been set aside.')).toBeTruthy();
    expect(screen.getByText('822 KB')).toBeTruthy();
    expect(screen.getByText('9.3 MB of 9.3 GB')).toBeTruthy();
    expect(screen.getByText('121')).toBeTruthy();
    expect(screen.getByText('0.1.0')).toBeTruthy();
    expect(screen.getByText('active')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Night theme' }).getAttribute('aria-pressed')).toBe('true');
  });
});
