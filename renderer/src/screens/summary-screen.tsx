// The summary of one patient: the cached records from every ICB that holds them, projected from their raw
// FHIR resources, merged, and rendered by SummaryView, with the way back to the search results.
import { useEffect, useState } from 'react';
import type { Profile } from '../../../sync/provisioning-profile';
import { mergeSummaries, type MergedSummary } from '../../../sync/projection';
import { summaryOfStored } from '../../../sync/pull';
import type { SearchHit } from '../../../sync/store';
import type { ScreenStore } from '../data/patient-store';
import { SummaryView, type IcbFreshness } from '../summary/summary-view';

export interface SummaryScreenProps {
  readonly store: Pick<ScreenStore, 'readSummaries'>;
  readonly hit: SearchHit;
  readonly profile: Pick<Profile, 'icbs' | 'retention'>;
  /** Last completed sync per ICB ODS code. */
  readonly lastSyncedAt: Readonly<Record<string, string | undefined>>;
  readonly now: Date;
  readonly onBack: () => void;
  /** Starts an encounter note for this patient from the summary on screen. */
  readonly onStartNote?: (summary: MergedSummary) => void;
}

type Loaded =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly summary: MergedSummary }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly message: string };

export function SummaryScreen(props: SummaryScreenProps) {
  const { store, hit } = props;
  const icbs = props.profile.icbs;
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    const icbNames = new Map(icbs.map((icb) => [icb.odsCode, icb.name]));
    store
      .readSummaries(
        hit.sources.map((source) => source.key),
        hit.nhsNumber,
      )
      .then(
        (stored) => {
          if (cancelled) return;
          if (stored.length === 0) {
            setLoaded({ kind: 'missing' });
            return;
          }
          try {
            // The pre-cache stores raw resources; the summary is projected now, when the record is opened.
            const summary = mergeSummaries(
              stored.map((row) =>
                summaryOfStored(row, { odsCode: row.icb, name: icbNames.get(row.icb) ?? row.icb }),
              ),
            );
            setLoaded({ kind: 'ready', summary });
          } catch (error) {
            setLoaded({ kind: 'error', message: (error as Error).message });
          }
        },
        (error: unknown) => {
          if (!cancelled) setLoaded({ kind: 'error', message: (error as Error).message });
        },
      );
    return () => {
      cancelled = true;
    };
  }, [store, hit, icbs]);

  const freshness: IcbFreshness[] = props.profile.icbs.map((icb) => {
    const lastSyncedAt = props.lastSyncedAt[icb.odsCode];
    return lastSyncedAt === undefined
      ? { odsCode: icb.odsCode, name: icb.name }
      : { odsCode: icb.odsCode, name: icb.name, lastSyncedAt };
  });

  return (
    <section className="kb-summary-screen" aria-label={`Summary for ${hit.displayName}`}>
      <button type="button" className="kb-back" onClick={props.onBack}>
        Back to search
      </button>
      {loaded.kind === 'loading' && <p role="status">Opening the record…</p>}
      {loaded.kind === 'missing' && (
        <p className="kb-error" role="alert">
          This record is no longer on the device: it may have been removed by the retention rule or a sync.
        </p>
      )}
      {loaded.kind === 'error' && (
        <p className="kb-error" role="alert">
          This record could not be shown: {loaded.message}
        </p>
      )}
      {loaded.kind === 'ready' && props.onStartNote !== undefined && (
        <button
          type="button"
          className="nhsuk-button kb-start-note"
          onClick={() => {
            props.onStartNote?.(loaded.summary);
          }}
        >
          Start encounter note
        </button>
      )}
      {loaded.kind === 'ready' && (
        <SummaryView
          summary={loaded.summary}
          freshness={freshness}
          retentionDays={props.profile.retention.summaryDays}
          now={props.now}
        />
      )}
    </section>
  );
}
