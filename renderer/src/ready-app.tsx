// The provisioned app: a small state router over home, search, summary and settings, with background sync
// running beside it and the cache counts kept fresh.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { Profile } from '../../sync/provisioning-profile';
import type { PatientStore, SearchHit } from '../../sync/store';
import { useBackgroundSync } from './background-sync/use-background-sync';
import type { FromWorker } from './background-sync/worker-protocol';
import { AppHeader, type Place } from './components/app-header';
import { noteQueueCount, preArrivalCount } from './data/note-queue';
import { HomeScreen } from './screens/home-screen';
import { SearchScreen } from './screens/search-screen';
import { SettingsScreen } from './screens/settings-screen';
import { serviceWorkerState } from './service-worker-state';
import type { Theme } from './theme';

type Route =
  | { readonly screen: 'home' }
  | { readonly screen: 'search' }
  | { readonly screen: 'summary'; readonly hit: SearchHit }
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

// The projection (fhirpath and the R4 model) is large: loaded when a record is first opened, not at start.
// The service worker precaches the chunk, so this works offline too.
const SummaryScreen = lazy(() =>
  import('./screens/summary-screen').then((module) => ({ default: module.SummaryScreen })),
);

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
  const [queues, setQueues] = useState<{ notes?: number; preArrivals?: number }>({});
  const now = useNow();

  const refreshCounts = useCallback(() => {
    store.counts().then(
      (counts) => {
        setCached(counts.byIcb);
      },
      (error: unknown) => {
        console.error('Could not count cached patients', error);
      },
    );
  }, [store]);

  const onWorkerMessage = useCallback(
    (message: FromWorker) => {
      const completedIcb = message.type === 'pull-event' && message.event.type === 'completed';
      if (completedIcb || message.type === 'run-finished') refreshCounts();
    },
    [refreshCounts],
  );
  const sync = useBackgroundSync({
    profile,
    keyMaterial: props.keyMaterial,
    lastCompletedAt: props.lastCompletedAt,
    onWorkerMessage,
  });

  useEffect(() => {
    refreshCounts();
    void Promise.all([noteQueueCount(), preArrivalCount()]).then(([notes, preArrivals]) => {
      setQueues({ notes, preArrivals });
    });
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
  const place: Place | undefined = route.screen === 'summary' ? 'search' : route.screen;

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
        {route.screen === 'home' && (
          <HomeScreen
            profile={profile}
            sync={sync.state}
            cached={cached}
            noteQueue={queues.notes}
            preArrivals={queues.preArrivals}
            now={now}
            theme={props.theme}
            onThemeChange={props.onThemeChange}
            onSyncNow={sync.syncNow}
            onSearch={() => {
              setRoute({ screen: 'search' });
            }}
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
              setRoute({ screen: 'summary', hit });
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
                setRoute({ screen: 'search' });
              }}
            />
          </Suspense>
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
          />
        )}
      </main>
    </>
  );
}
