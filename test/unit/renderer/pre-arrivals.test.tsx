// @vitest-environment happy-dom
// Pre-arrival requests in the crew app: the home screen's list and waiting row, the summary opened with the
// records fetched for a request, and the hook that polls the inbox (after start-up, on a timer while online,
// at once when the signal returns, keeping what it holds when a poll fails).
import { act, cleanup, fireEvent, render, renderHook, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialSyncState } from '../../../renderer/src/background-sync/sync-state';
import {
  newerRecords,
  usePreArrivals,
  type InboxHandle,
  type PreArrivalState,
} from '../../../renderer/src/data/pre-arrival-state';
import { HomeScreen } from '../../../renderer/src/screens/home-screen';
import { freshestRows, SummaryScreen } from '../../../renderer/src/screens/summary-screen';
import type { PreArrivalItem } from '../../../sync/prearrival';
import type { Profile } from '../../../sync/provisioning-profile';
import crew from '../../../demo/profiles/crew.json';
import { patient } from '../../fixtures/fhir/patient-record';
import { DEMO_NOW } from './summary-fixtures';

const profile = crew as unknown as Profile;
const NOW = new Date('2026-06-01T12:00:00Z');
// One buffer for every render: the hook reopens the inbox when the key changes.
const KEY = new Uint8Array(32);

function item(overrides: Partial<PreArrivalItem> = {}, incident = 'INC-1'): PreArrivalItem {
  return {
    request: {
      taskId: `task-${incident}`,
      status: 'received',
      priority: 'urgent',
      nhsNumber: '9434765919',
      patientName: 'Jane Smith',
      incidentNumber: incident,
      description: 'Fall at home',
      requester: 'Desk 7',
      authoredOn: '2026-06-01T11:55:00Z',
      expiresAt: '2026-06-01T14:00:00Z',
    },
    status: 'received',
    confirmed: true,
    receivedAt: new Date('2026-06-01T11:56:00Z'),
    records: {
      records: [
        {
          icb: 'QT1',
          patientId: 'p1',
          card: { displayName: 'Jane Smith', icb: 'QT1', restricted: false, deceased: false },
          raw: [],
          refreshedAt: Date.parse('2026-06-01T11:57:00Z'),
        },
      ],
      failures: [{ icb: 'QK1', message: 'offline' }],
      refused: 0,
    },
    recordsAt: new Date('2026-06-01T11:57:00Z'),
    ...overrides,
  };
}

function ready(items: readonly PreArrivalItem[], extra: Partial<PreArrivalState> = {}): PreArrivalState {
  return {
    kind: 'ready',
    items,
    accept: () => Promise.resolve(),
    checkNow: () => undefined,
    lastCheckedAt: NOW,
    ...extra,
  } as PreArrivalState;
}

function renderHome(state: PreArrivalState | undefined, online = true) {
  const onOpen = vi.fn();
  const onAccept = vi.fn();
  render(
    <HomeScreen
      profile={profile}
      sync={initialSyncState(['QT1', 'QJ2', 'QK1'], online)}
      cached={{}}
      noteQueue={undefined}
      now={NOW}
      theme="day"
      onThemeChange={() => undefined}
      onSyncNow={() => undefined}
      onSearch={() => undefined}
      {...(state === undefined ? {} : { preArrivals: state })}
      onOpenPreArrival={onOpen}
      onAcceptPreArrival={onAccept}
    />,
  );
  return { onOpen, onAccept };
}

afterEach(cleanup);

describe('home screen pre-arrival requests', () => {
  it('lists each request with its incident, patient, priority, expiry and where its records came from', () => {
    const { onOpen, onAccept } = renderHome(ready([item()]));
    const card = screen.getByRole('listitem', { name: 'Incident INC-1' });
    expect(within(card).getByText('Urgent')).toBeTruthy();
    expect(within(card).getByText('943 476 5919')).toBeTruthy();
    expect(within(card).getByText('Fall at home')).toBeTruthy();
    const meta = [...card.querySelectorAll('.kb-outbox-note__meta')].map((line) => line.textContent);
    expect(meta).toEqual([
      'Sent 5 min ago by Desk 7 · expires in 2 h 0 min',
      'Records from Trentside ICB, fetched 3 min ago; could not ask Soar and Wreake ICB yet',
    ]);
    fireEvent.click(within(card).getByRole('button', { name: 'Accept incident INC-1' }));
    expect(onAccept).toHaveBeenCalledTimes(1);
    fireEvent.click(within(card).getByRole('button', { name: 'Open summary for incident INC-1' }));
    expect(onOpen.mock.calls[0]?.[0]).toMatchObject({ request: { incidentNumber: 'INC-1' } });
    expect(screen.getByTestId('pre-arrivals').textContent).toBe('1 open · 1 not accepted (checked just now)');
  });

  it('says an accept made offline has not reached control yet, and offers no second accept', () => {
    renderHome(ready([item({ status: 'accepted', confirmed: false })]), false);
    const card = screen.getByRole('listitem', { name: 'Incident INC-1' });
    expect(within(card).getByText('Accepted here; control is told when the signal returns')).toBeTruthy();
    expect(within(card).queryByRole('button', { name: /Accept/ })).toBeNull();
    expect(screen.getByTestId('pre-arrivals').textContent).toBe(
      '1 open (offline: new requests arrive when the signal returns)',
    );
  });

  it('says why the list may be out of date, and never claims none before it has looked', () => {
    renderHome(ready([], { checkError: 'HTTP 503 from dispatch' }));
    expect(screen.getByTestId('pre-arrivals').textContent).toBe(
      'None (could not reach dispatch: HTTP 503 from dispatch)',
    );
    expect(screen.queryByRole('list', { name: 'Pre-arrival requests' })).toBeNull();
    cleanup();
    renderHome({ kind: 'opening' });
    expect(screen.getByTestId('pre-arrivals').textContent).toBe('Checking…');
    cleanup();
    renderHome({ kind: 'failed', message: 'sealed with another key' });
    expect(screen.getByTestId('pre-arrivals').textContent).toBe(
      'Could not be opened: sealed with another key',
    );
  });

  it('puts the most urgent first as the inbox orders them', () => {
    renderHome(ready([item({}, 'INC-9'), item({}, 'INC-2')]));
    const list = screen.getByRole('list', { name: 'Pre-arrival requests' });
    const names = within(list)
      .getAllByRole('heading', { level: 3 })
      .map((heading) => heading.textContent);
    expect(names).toEqual(['Incident INC-9', 'Incident INC-2']);
  });
});

describe('summary of a pre-arrival patient', () => {
  const hit = {
    nhsNumber: '9434765919',
    displayName: 'Jane Smith',
    restricted: false,
    deceased: false,
    sources: [],
  };
  const record = (family: string, refreshedAt: number) => ({
    icb: 'QT1',
    patientId: 'p1',
    raw: [patient('p1', { name: [{ use: 'official' as const, family, given: ['Jane'] }] })],
    refreshedAt,
  });

  it('shows the fetched record when the device holds none', async () => {
    const readSummaries = vi.fn(() => Promise.resolve([]));
    render(
      <SummaryScreen
        store={{ readSummaries }}
        hit={hit}
        profile={profile}
        lastSyncedAt={{}}
        now={DEMO_NOW}
        onBack={() => undefined}
        backLabel="Back to home"
        fetched={[record('Fetched', DEMO_NOW.getTime())]}
      />,
    );
    await screen.findByRole('heading', { name: 'Allergies' });
    expect(readSummaries).toHaveBeenCalledWith([], '9434765919');
    expect(screen.getAllByText(/FETCHED/i).length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Back to home' })).toBeTruthy();
  });

  it('says so when neither the cache nor a fetch has the patient', async () => {
    render(
      <SummaryScreen
        store={{ readSummaries: () => Promise.resolve([]) }}
        hit={hit}
        profile={profile}
        lastSyncedAt={{}}
        now={DEMO_NOW}
        onBack={() => undefined}
        fetched={[]}
      />,
    );
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /No record of this patient is on the device yet/,
    );
  });

  it('keeps the fresher of the cached and the fetched copy of each ICB record', () => {
    const cached = { icb: 'QT1', raw: record('Cached', 1).raw, refreshedAt: 1_000 };
    const other = { icb: 'QJ2', raw: record('Other', 1).raw, refreshedAt: 1_000 };
    const rows = freshestRows([cached, other], [record('Fetched', 2_000)]);
    expect(rows.map((row) => [row.icb, row.refreshedAt])).toEqual([
      ['QT1', 2_000],
      ['QJ2', 1_000],
    ]);
    expect(freshestRows([cached], [record('Older', 500)])[0]?.refreshedAt).toBe(1_000);
  });
});

describe('records of a request fetched while its summary is open', () => {
  it('are given when newer than those shown, or when none were shown', () => {
    const shown = Date.parse('2026-06-01T11:57:00Z');
    const items = [item()];
    expect(newerRecords(items, 'task-INC-1', undefined)?.recordsAt).toBe(shown);
    expect(newerRecords(items, 'task-INC-1', shown - 1)?.records.records).toHaveLength(1);
    expect(newerRecords(items, 'task-INC-1', shown)).toBeUndefined();
    expect(newerRecords(items, 'task-other', undefined)).toBeUndefined();
    const { records: _records, recordsAt: _at, ...unfetched } = item();
    expect(newerRecords([unfetched], 'task-INC-1', undefined)).toBeUndefined();
  });
});

describe('usePreArrivals', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function fakeInbox(pollResult: () => Promise<unknown> = () => Promise.resolve({ refused: [] })) {
    const items: PreArrivalItem[] = [item()];
    const inbox = {
      poll: vi.fn(pollResult),
      list: vi.fn(() => Promise.resolve([...items])),
      accept: vi.fn(() => Promise.resolve()),
    };
    const close = vi.fn();
    const open = vi.fn(() => Promise.resolve({ inbox, close } as unknown as InboxHandle));
    return { inbox, open, close };
  }

  it('opens after start-up, polls at once and on every tick while online, and closes on unmount', async () => {
    const { inbox, open, close } = fakeInbox();
    const { result, unmount } = renderHook(() =>
      usePreArrivals({
        profile,
        keyMaterial: KEY,
        online: true,
        open,
        startDelayMs: 2_000,
        pollEveryMs: 30_000,
      }),
    );
    expect(result.current.kind).toBe('opening');
    await act(() => vi.advanceTimersByTimeAsync(1_999));
    expect(open).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(inbox.poll).toHaveBeenCalledTimes(1);
    expect(result.current).toMatchObject({
      kind: 'ready',
      items: [{ request: { incidentNumber: 'INC-1' } }],
    });
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(inbox.poll).toHaveBeenCalledTimes(2);
    unmount();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('does not poll offline, lists what it holds, and polls the moment the signal returns', async () => {
    const { inbox, open } = fakeInbox();
    const { result, rerender } = renderHook(
      ({ online }: { online: boolean }) =>
        usePreArrivals({
          profile,
          keyMaterial: KEY,
          online,
          open,
          startDelayMs: 0,
          pollEveryMs: 30_000,
        }),
      { initialProps: { online: false } },
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(inbox.poll).not.toHaveBeenCalled();
    expect(inbox.list.mock.calls.length).toBeGreaterThan(1);
    expect(result.current).toMatchObject({
      kind: 'ready',
      items: [{ request: { incidentNumber: 'INC-1' } }],
    });
    rerender({ online: true });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(inbox.poll).toHaveBeenCalledTimes(1);
  });

  it('asks dispatch at once when told to (Sync now), without waiting for the tick', async () => {
    const { inbox, open } = fakeInbox();
    const { result } = renderHook(() =>
      usePreArrivals({ profile, keyMaterial: KEY, online: true, open, startDelayMs: 0, pollEveryMs: 30_000 }),
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(inbox.poll).toHaveBeenCalledTimes(1);
    await act(async () => {
      if (result.current.kind === 'ready') result.current.checkNow();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(inbox.poll).toHaveBeenCalledTimes(2);
  });

  it('keeps the requests it holds and says why when a poll fails', async () => {
    const { open } = fakeInbox(() => Promise.reject(new Error('HTTP 503 from dispatch')));
    const { result } = renderHook(() =>
      usePreArrivals({ profile, keyMaterial: KEY, online: true, open, startDelayMs: 0 }),
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(result.current).toMatchObject({
      kind: 'ready',
      checkError: 'HTTP 503 from dispatch',
      items: [{ request: { incidentNumber: 'INC-1' } }],
    });
  });

  it('reports an inbox that cannot be opened', async () => {
    const open = vi.fn(() => Promise.reject(new Error('sealed with another key')));
    const { result } = renderHook(() =>
      usePreArrivals({ profile, keyMaterial: KEY, online: true, open, startDelayMs: 0 }),
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(result.current).toEqual({ kind: 'failed', message: 'sealed with another key' });
  });
});
