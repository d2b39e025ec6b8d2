// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutboxCounts } from '../../../sync/outbox';
import type { Profile } from '../../../sync/provisioning-profile';
import {
  initialSyncState,
  reduceSync,
  type SyncState,
} from '../../../renderer/src/background-sync/sync-state';
import { HomeScreen } from '../../../renderer/src/screens/home-screen';
import crew from '../../../demo/profiles/crew.json';

const profile = crew as unknown as Profile;
const NOW = new Date('2026-06-01T12:00:00Z');
const ICBS = ['QT1', 'QJ2', 'QK1'];

const NO_NOTES: OutboxCounts = { drafts: 0, queued: 0, sending: 0, sent: 0, needsAttention: 0, paused: 0 };

function renderHome(
  sync: SyncState,
  cached: Record<string, number> | undefined = { QT1: 121, QJ2: 92, QK1: 2 },
  noteQueue: OutboxCounts = NO_NOTES,
  recounting?: ReadonlySet<string>,
) {
  const onSyncNow = vi.fn();
  render(
    <HomeScreen
      profile={profile}
      sync={sync}
      cached={cached}
      {...(recounting === undefined ? {} : { recounting })}
      noteQueue={noteQueue}
      now={NOW}
      theme="day"
      onThemeChange={() => undefined}
      onSyncNow={onSyncNow}
      onSearch={() => undefined}
    />,
  );
  return { onSyncNow };
}

const row = (name: string) => screen.getByRole('listitem', { name });
const idle = (online = true): SyncState => initialSyncState(ICBS, online);

afterEach(() => {
  cleanup();
});

describe('HomeScreen', () => {
  it('shows area, callsign, and honest empty queues', () => {
    renderHome(idle());
    expect(screen.getByRole('heading', { name: 'Area: Trentside and Derwent Valley' })).toBeTruthy();
    expect(screen.getByText('EM-A123')).toBeTruthy();
    expect(screen.getByTestId('note-queue').textContent).toBe('None yet');
    // Without an inbox the screen must not claim there are no requests.
    expect(screen.getByTestId('pre-arrivals').textContent).toBe('Not received on this device');
  });

  it('counts notes waiting, sending, sent and needing attention (paused notes count as waiting)', () => {
    renderHome(idle(), undefined, {
      drafts: 4,
      queued: 2,
      sending: 1,
      sent: 3,
      needsAttention: 1,
      paused: 1,
    });
    expect(screen.getByTestId('note-queue').textContent).toBe(
      '3 waiting · 1 sending · 3 sent · 1 need attention',
    );
  });

  it('says when an ICB has never synced', () => {
    renderHome(idle(), {});
    const trentside = row('Trentside ICB (QT1)');
    expect(within(trentside).getByText('Not synced yet: waiting to start')).toBeTruthy();
    expect(within(trentside).getByText('0 patients cached')).toBeTruthy();
  });

  it('shows progress while syncing: patients done of expected, rate and time left', () => {
    let state = reduceSync(idle(), {
      type: 'worker',
      message: { type: 'run-started', reason: 'start' },
      at: NOW,
    });
    state = reduceSync(state, {
      type: 'worker',
      at: NOW,
      message: {
        type: 'pull-event',
        event: {
          type: 'progress',
          icb: 'QT1',
          phase: 'initial',
          patientsDone: 120,
          patientsExpected: 300,
          changes: 0,
          bytes: 1000,
          ratePerSecond: 40,
          etaSeconds: 4.5,
        },
      },
    });
    renderHome(state);
    const trentside = row('Trentside ICB (QT1)');
    expect(within(trentside).getByText('Syncing')).toBeTruthy();
    const bar = within(trentside).getByLabelText('Sync progress');
    expect(bar.getAttribute('value')).toBe('120');
    expect(bar.getAttribute('max')).toBe('300');
    expect(within(trentside).getByText('120 of 300 patients · 40 a second · about 5 s left')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Sync now' }).disabled).toBe(true);
  });

  it('says when the device is offline and keeps the last sync time', () => {
    let state = reduceSync(idle(false), {
      type: 'checkpoints',
      lastCompletedAt: { QT1: '2026-06-01T09:00:00Z' },
    });
    state = reduceSync(state, {
      type: 'worker',
      at: NOW,
      message: { type: 'pull-event', event: { type: 'offline', icb: 'QT1', message: 'fetch failed' } },
    });
    renderHome(state);
    expect(screen.getByText('Offline.')).toBeTruthy();
    const trentside = row('Trentside ICB (QT1)');
    expect(within(trentside).getByText('Offline: could not reach this Shared Care Record')).toBeTruthy();
    expect(within(trentside).getByText('Last synced 3 hours ago')).toBeTruthy();
    expect(within(row('Derwent Valley ICB (QJ2)')).getByText('Not synced yet: no signal')).toBeTruthy();
  });

  it('says how long ago each ICB synced, and "Sync now" asks for a run', () => {
    let state = idle();
    for (const icb of ICBS) {
      state = reduceSync(state, {
        type: 'worker',
        at: new Date(NOW.getTime() - 5 * 60_000),
        message: {
          type: 'pull-event',
          event: {
            type: 'completed',
            icb,
            phase: 'initial',
            patients: 10,
            changes: 0,
            deleted: 0,
            quarantined: 0,
            durationMs: 100,
          },
        },
      });
    }
    const { onSyncNow } = renderHome(state);
    expect(within(row('Trentside ICB (QT1)')).getByText('Synced 5 min ago')).toBeTruthy();
    expect(within(row('Trentside ICB (QT1)')).getByText('121 patients cached')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(onSyncNow).toHaveBeenCalledOnce();
  });

  it('shows an ICB just synced as being counted, not with the count from before its sync', () => {
    renderHome(idle(), { QT1: 0, QJ2: 92, QK1: 2 }, NO_NOTES, new Set(['QT1']));
    expect(within(row('Trentside ICB (QT1)')).getByText('Counting…')).toBeTruthy();
    expect(within(row('Trentside ICB (QT1)')).queryByText('0 patients cached')).toBeNull();
    expect(within(row('Derwent Valley ICB (QJ2)')).getByText('92 patients cached')).toBeTruthy();
  });

  it('says when a server refuses the device', () => {
    const state = reduceSync(idle(), {
      type: 'worker',
      at: NOW,
      message: { type: 'pull-event', event: { type: 'unauthorized', icb: 'QJ2', message: '401' } },
    });
    renderHome(state);
    expect(
      within(row('Derwent Valley ICB (QJ2)')).getByText(
        'Refused: the server did not accept this device. Ask trust IT',
      ),
    ).toBeTruthy();
  });
});
