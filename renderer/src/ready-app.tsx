// The provisioned app: a small state router over home, search, summary, encounter notes, the outbox and
// settings, with background sync and the note push engine running beside it and the counts kept fresh.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Profile } from '../../sync/provisioning-profile';
import type { MergedSummary } from '../../sync/projection';
import type { PreArrivalItem } from '../../sync/prearrival';
import type { PatientStore, SearchHit } from '../../sync/store';
import { useBackgroundSync } from './background-sync/use-background-sync';
import type { FromWorker } from './background-sync/worker-protocol';
import { AppHeader, type Place } from './components/app-header';
import { useDeviceOutbox } from './data/outbox-state';
import { newerRecords, usePreArrivals } from './data/pre-arrival-state';
import { patientFromSummary } from './encounter/note-amend';
import { emptyUnknownPatient, newNoteForm } from './encounter/note-form';
import type { NoteForm } from './encounter/note-form';
import { EncounterScreen, type OpenNote } from './screens/encounter-screen';
import { HomeScreen } from './screens/home-screen';
import { OutboxScreen } from './screens/outbox-screen';
import { SearchScreen } from './screens/search-screen';
import { SettingsScreen } from './screens/settings-screen';
import { serviceWorkerState } from './service-worker-state';
import { START_UP_QUIET_MS } from './start-up';
import type { Theme } from './theme';

type Route =
  | { readonly screen: 'home' }
  | { readonly screen: 'search' }
  | {
      readonly screen: 'summary';
      readonly hit: SearchHit;
      readonly back: 'search' | 'home';
      /** Opened from a pre-arrival request: the request, and the records fetched with it. */
      readonly request?: PreArrivalItem['request'];
      readonly fetched?: PreArrivalItem['records'];
      /** When `fetched` was fetched: newer records replace them while the summary is open. */
      readonly fetchedAt?: number;
    }
  | { readonly screen: 'note'; readonly open: OpenNote; readonly back: 'home' | 'outbox' }
  | { readonly screen: 'outbox' }
  | { readonly screen: 'settings' };

export interface ReadyAppProps {
  readonly profile: Profile;
  readonly store: PatientStore;
  readonly keyMaterial: Uint8Array;
  readonly lastCompletedAt: Readonly<Record<string, string | undefined>>;
  readonly notice?: string;
  readonly theme: Theme;
  readonly onThemeChange: (theme: Theme) => void;
}

const CLOCK_TICK_MS = 30_000;

// The projection (fhirpath and the R4 model) is large: loaded when a record is first opened, or in the
// background once start-up is over, not at start.
// The service worker precaches the chunk, so this works offline too.
const loadSummaryScreen = () => import('./screens/summary-screen');
const SummaryScreen = lazy(() => loadSummaryScreen().then((module) => ({ default: module.SummaryScreen })));

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(new Date());
    }, CLOCK_TICK_MS);
    return () => {
      clearInterval(timer);
    };
  }, []);
  return now;
}

export function ReadyApp(props: ReadyAppProps) {
  const { profile, store } = props;
  const [route, setRoute] = useState<Route>({ screen: 'home' });
  const [query, setQuery] = useState('');
  const [cached, setCached] = useState<Record<string, number> | undefined>();
  // ICBs whose sync has completed since their count was read: counted again before a number is shown.
  const recountingNow = useRef<ReadonlySet<string>>(new Set());
  const [recounting, setRecounting] = useState<ReadonlySet<string>>(recountingNow.current);
  const updateRecounting = useCallback((next: ReadonlySet<string>) => {
    recountingNow.current = next;
    setRecounting(next);
  }, []);
  const [noteFailure, setNoteFailure] = useState<string | undefined>();
  const now = useNow();

  useEffect(() => {
    const timer = setTimeout(() => {
      loadSummaryScreen().catch((error: unknown) => {
        console.warn('Could not preload the summary screen; it loads when a record is opened', error);
      });
      // Searches then answer from memory, with no IndexedDB round trip, whenever no sync is writing.
      store
        .keepRowsInMemory()
        .load()
        .catch((error: unknown) => {
          console.warn('Could not keep the search rows in memory; searches read IndexedDB', error);
        });
    }, START_UP_QUIET_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [store]);
  const notes = useDeviceOutbox(profile, props.keyMaterial);
  const refreshNotes = notes.kind === 'ready' ? notes.refresh : undefined;

  // Drafts are saved without outbox events: re-read them whenever the crew comes back home.
  useEffect(() => {
    if (route.screen === 'home') refreshNotes?.();
  }, [route.screen, refreshNotes]);

  const startNote = useCallback(
    (form: NoteForm) => {
      if (notes.kind !== 'ready') return;
      // On the device before the form opens, so even an untouched new note is listed as a draft.
      notes.outbox.saveForm(form.id, form.version, form).then(
        () => {
          setNoteFailure(undefined);
          setRoute({ screen: 'note', open: { kind: 'form', form }, back: 'home' });
        },
        (error: unknown) => {
          setNoteFailure(error instanceof Error ? error.message : String(error));
        },
      );
    },
    [notes],
  );

  const refreshCounts = useCallback(() => {
    const counted = recountingNow.current;
    store.counts().then(
      (counts) => {
        setCached(counts.byIcb);
        updateRecounting(new Set([...recountingNow.current].filter((icb) => !counted.has(icb))));
      },
      (error: unknown) => {
        console.error('Could not count cached patients', error);
      },
    );
  }, [store, updateRecounting]);

  const onWorkerMessage = useCallback(
    (message: FromWorker) => {
      if (message.type === 'pull-event' && message.event.type === 'completed') {
        updateRecounting(new Set([...recountingNow.current, message.event.icb]));
        refreshCounts();
      } else if (message.type === 'run-finished') {
        refreshCounts();
      }
    },
    [refreshCounts, updateRecounting],
  );
  const sync = useBackgroundSync({
    profile,
    keyMaterial: props.keyMaterial,
    lastCompletedAt: props.lastCompletedAt,
    onWorkerMessage,
  });

  useEffect(() => {
    refreshCounts();
  }, [refreshCounts]);

  // While a run is going, the counts grow page by page.
  useEffect(() => {
    if (!sync.state.running) return;
    const timer = setInterval(refreshCounts, 3_000);
    return () => {
      clearInterval(timer);
    };
  }, [sync.state.running, refreshCounts]);

  const icbNames = useMemo(
    () => Object.fromEntries(profile.icbs.map((icb) => [icb.odsCode, icb.name])),
    [profile],
  );
  const lastSyncedAt = useMemo(
    () =>
      Object.fromEntries(Object.entries(sync.state.icbs).map(([icb, state]) => [icb, state.lastCompletedAt])),
    [sync.state.icbs],
  );
  const preArrivals = usePreArrivals({ profile, keyMaterial: props.keyMaterial, online: sync.state.online });
  const [preArrivalFailure, setPreArrivalFailure] = useState<string | undefined>();
  const openPreArrival = (item: PreArrivalItem) => {
    const cards = item.records?.records.map((record) => record.card) ?? [];
    const hit: SearchHit = {
      nhsNumber: item.request.nhsNumber,
      displayName: item.request.patientName ?? cards[0]?.displayName ?? 'Patient',
      restricted: cards.some((card) => card.restricted),
      deceased: cards.some((card) => card.deceased),
      sources: [],
    };
    setRoute({
      screen: 'summary',
      hit,
      back: 'home',
      request: item.request,
      ...(item.records === undefined ? {} : { fetched: item.records }),
      ...(item.recordsAt === undefined ? {} : { fetchedAt: item.recordsAt.getTime() }),
    });
  };
  const preArrivalItems = preArrivals.kind === 'ready' ? preArrivals.items : undefined;
  useEffect(() => {
    if (route.screen !== 'summary' || route.request === undefined || preArrivalItems === undefined) return;
    const newer = newerRecords(preArrivalItems, route.request.taskId, route.fetchedAt);
    if (newer !== undefined) setRoute({ ...route, fetched: newer.records, fetchedAt: newer.recordsAt });
  }, [preArrivalItems, route]);
  const acceptPreArrival = (item: PreArrivalItem) => {
    if (preArrivals.kind !== 'ready') return;
    preArrivals.accept(item.request.taskId).then(
      () => {
        setPreArrivalFailure(undefined);
      },
      (error: unknown) => {
        setPreArrivalFailure(error instanceof Error ? error.message : String(error));
      },
    );
  };
  const unaccepted =
    preArrivals.kind === 'ready' ? preArrivals.items.filter((item) => item.status !== 'accepted') : [];
  const place: Place | undefined =
    route.screen === 'summary' ? route.back : route.screen === 'note' ? route.back : route.screen;
  const startFromSummary = (summary: MergedSummary, hit: SearchHit, request?: PreArrivalItem['request']) => {
    const form = newNoteForm(
      patientFromSummary(summary, hit.displayName),
      profile.device.callsign,
      new Date(),
    );
    // A note for a pre-arrival patient starts with the control room's incident number and what it said.
    startNote(
      request === undefined
        ? form
        : { ...form, incidentNumber: request.incidentNumber, presentingComplaint: request.description ?? '' },
    );
  };

  return (
    <>
      <AppHeader
        current={place}
        callsign={profile.device.callsign}
        onNavigate={(next) => {
          setRoute({ screen: next });
        }}
      />
      <main className="kb-main" id="main">
        {props.notice !== undefined && <p className="kb-notice">{props.notice}</p>}
        {notes.kind === 'failed' && (
          <p className="kb-error" role="alert">
            The outbox of encounter notes could not be opened: {notes.message}
          </p>
        )}
        {unaccepted.length > 0 && route.screen !== 'home' && (
          <div className="kb-prearrival-alert" role="alert">
            <p>
              <strong>Pre-arrival request from control:</strong> incident{' '}
              {unaccepted.map((item) => item.request.incidentNumber).join(', ')}
            </p>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--reverse"
              onClick={() => {
                setRoute({ screen: 'home' });
              }}
            >
              Show request
            </button>
          </div>
        )}
        {preArrivalFailure !== undefined && (
          <p className="kb-error" role="alert">
            The request could not be accepted: {preArrivalFailure}
          </p>
        )}
        {noteFailure !== undefined && (
          <p className="kb-error" role="alert">
            The note could not be started: {noteFailure}
          </p>
        )}
        {route.screen === 'home' && (
          <HomeScreen
            profile={profile}
            sync={sync.state}
            cached={cached}
            recounting={recounting}
            noteQueue={notes.kind === 'ready' ? notes.counts : undefined}
            {...(notes.kind === 'ready'
              ? {
                  drafts: notes.drafts,
                  onNewUnknownNote: () => {
                    startNote(newNoteForm(emptyUnknownPatient(), profile.device.callsign, new Date()));
                  },
                  onOpenOutbox: () => {
                    setRoute({ screen: 'outbox' });
                  },
                  onContinueDraft: (key: string) => {
                    const draft = notes.drafts.find((entry) => entry.key === key);
                    if (draft !== undefined)
                      setRoute({ screen: 'note', open: { kind: 'form', form: draft.form }, back: 'home' });
                  },
                }
              : {})}
            now={now}
            theme={props.theme}
            onThemeChange={props.onThemeChange}
            onSyncNow={() => {
              sync.syncNow();
              if (preArrivals.kind === 'ready') preArrivals.checkNow();
            }}
            onSearch={() => {
              setRoute({ screen: 'search' });
            }}
            preArrivals={preArrivals}
            onOpenPreArrival={openPreArrival}
            onAcceptPreArrival={acceptPreArrival}
          />
        )}
        {route.screen === 'search' && (
          <SearchScreen
            store={store}
            icbNames={icbNames}
            query={query}
            onQueryChange={setQuery}
            now={now}
            onOpen={(hit) => {
              setRoute({ screen: 'summary', hit, back: 'search' });
            }}
          />
        )}
        {route.screen === 'summary' && (
          <Suspense fallback={<p role="status">Opening the record…</p>}>
            <SummaryScreen
              store={store}
              hit={route.hit}
              profile={profile}
              lastSyncedAt={lastSyncedAt}
              now={now}
              onBack={() => {
                setRoute({ screen: route.back });
              }}
              backLabel={route.back === 'home' ? 'Back to home' : 'Back to search'}
              {...(route.fetched === undefined ? {} : { fetched: route.fetched.records })}
              {...(notes.kind === 'ready'
                ? {
                    onStartNote: (summary: MergedSummary) => {
                      startFromSummary(summary, route.hit, route.request);
                    },
                  }
                : {})}
            />
          </Suspense>
        )}
        {route.screen === 'note' && notes.kind === 'ready' && (
          <EncounterScreen
            outbox={notes.outbox}
            profile={profile}
            open={route.open}
            backLabel={route.back === 'home' ? 'Back to home' : 'Back to outbox'}
            onOpen={(open) => {
              setRoute({ ...route, open });
            }}
            onBack={() => {
              setRoute({ screen: route.back });
            }}
          />
        )}
        {route.screen === 'outbox' && notes.kind === 'ready' && (
          <OutboxScreen
            outbox={notes.outbox}
            onOpenNote={(noteId, version) => {
              setRoute({ screen: 'note', open: { kind: 'note', noteId, version }, back: 'outbox' });
            }}
            onOpenDraft={(form) => {
              setRoute({ screen: 'note', open: { kind: 'form', form }, back: 'outbox' });
            }}
          />
        )}
        {(route.screen === 'note' || route.screen === 'outbox') && notes.kind === 'opening' && (
          <p role="status">Opening the outbox…</p>
        )}
        {route.screen === 'settings' && (
          <SettingsScreen
            store={store}
            profile={profile}
            storageEstimate={() =>
              'storage' in navigator ? navigator.storage.estimate() : Promise.resolve(undefined)
            }
            serviceWorkerState={serviceWorkerState}
            version={__APP_VERSION__}
            buildTime={__BUILD_TIME__}
            theme={props.theme}
            onThemeChange={props.onThemeChange}
            {...(window.kerbside === undefined ? {} : { deviceManagement: window.kerbside })}
          />
        )}
      </main>
    </>
  );
}
