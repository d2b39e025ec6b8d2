// The summary of one patient: the cached records from every ICB that holds them (and, for a pre-arrival
// request, the records fetched with it), projected from their raw FHIR resources, merged, and rendered by
// SummaryView, with the way back to where the crew came from.
import { useEffect, useState } from 'react';
import type { FetchedRecord } from '../../../sync/prearrival';
import type { Profile } from '../../../sync/provisioning-profile';
import { mergeSummaries, type MergedSummary } from '../../../sync/projection';
import { summaryOfStored } from '../../../sync/pull';
import type { SearchHit, StoredSummary } from '../../../sync/store';
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
  /** Default "Back to search". */
  readonly backLabel?: string;
  /** Records fetched for a pre-arrival request; for each ICB's record the fresher of these and the cache's is shown. */
  readonly fetched?: readonly FetchedRow[];
  /** Starts an encounter note for this patient from the summary on screen. */
  readonly onStartNote?: (summary: MergedSummary) => void;
}

/** A record fetched with a pre-arrival request (the inbox's `FetchedRecord`, less its card). */
export type FetchedRow = Pick<FetchedRecord, 'icb' | 'patientId' | 'raw' | 'refreshedAt'>;

type Row = Pick<StoredSummary, 'icb' | 'raw' | 'refreshedAt'>;

function patientIdOf(raw: readonly unknown[]): string | undefined {
  const patient = raw.find(
    (resource): resource is { resourceType: 'Patient'; id?: string } =>
      typeof resource === 'object' &&
      resource !== null &&
      (resource as { resourceType?: unknown }).resourceType === 'Patient',
  );
  return patient?.id;
}

/** The cache's rows and the fetched ones, one per ICB record (the fresher wins). */
export function freshestRows(stored: readonly Row[], fetched: readonly FetchedRow[]): Row[] {
  const rows = new Map<string, Row>();
  const put = (key: string, row: Row) => {
    const existing = rows.get(key);
    if (existing === undefined || existing.refreshedAt < row.refreshedAt) rows.set(key, row);
  };
  for (const row of stored) put(`${row.icb}/${patientIdOf(row.raw) ?? ''}`, row);
  for (const row of fetched)
    put(`${row.icb}/${row.patientId}`, { icb: row.icb, raw: [...row.raw], refreshedAt: row.refreshedAt });
  return [...rows.values()];
}

type Loaded =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly summary: MergedSummary; readonly rows: readonly Row[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly message: string };

export function SummaryScreen(props: SummaryScreenProps) {
  const { store, hit } = props;
  const icbs = props.profile.icbs;
  const fetched = props.fetched;
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
        (cached) => {
          if (cancelled) return;
          const stored = freshestRows(cached, fetched ?? []);
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
            setLoaded({ kind: 'ready', summary, rows: stored });
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
  }, [store, hit, icbs, fetched]);

  const freshness: IcbFreshness[] = props.profile.icbs.map((icb) => {
    // A record fetched after the ICB's last sync (a pre-arrival's) is as fresh as its fetch.
    const shown = loaded.kind === 'ready' ? loaded.rows.filter((row) => row.icb === icb.odsCode) : [];
    const synced = props.lastSyncedAt[icb.odsCode];
    const times = [
      ...shown.map((row) => row.refreshedAt),
      ...(synced === undefined ? [] : [Date.parse(synced)]),
    ].filter((time) => Number.isFinite(time));
    const lastSyncedAt = times.length === 0 ? undefined : new Date(Math.max(...times)).toISOString();
    return lastSyncedAt === undefined
      ? { odsCode: icb.odsCode, name: icb.name }
      : { odsCode: icb.odsCode, name: icb.name, lastSyncedAt };
  });

  return (
    <section className="kb-summary-screen" aria-label={`Summary for ${hit.displayName}`}>
      <button type="button" className="kb-back" onClick={props.onBack}>
        {props.backLabel ?? 'Back to search'}
      </button>
      {loaded.kind === 'loading' && <p role="status">Opening the record…</p>}
      {loaded.kind === 'missing' && (
        <p className="kb-error" role="alert">
          {fetched === undefined
            ? 'This record is no longer on the device: it may have been removed by the retention rule or a sync.'
            : 'No record of this patient is on the device yet: none was cached, and none has been fetched from the Shared Care Records (that needs signal).'}
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
