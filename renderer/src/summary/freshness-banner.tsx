// How old this device's copy of each source ICB is: a loud alert (role="alert") once a copy is older than the
// retention limit or was never synced, a quieter status note once it is more than a day old.
import type { IcbFreshness } from './summary-view';
import { MILLISECONDS_PER_DAY, MILLISECONDS_PER_HOUR, parseInstant, relativeTime } from './relative-time';
import { Icon } from './summary-section';

export type FreshnessLevel = 'never-synced' | 'expired' | 'over-a-day' | 'fresh';

export interface IcbFreshnessState {
  readonly odsCode: string;
  readonly name: string;
  readonly lastSyncedAt?: string;
  readonly level: FreshnessLevel;
}

const SOFT_LIMIT = 24 * MILLISECONDS_PER_HOUR;

/**
 * The freshness of every ICB the summary came from. An ICB with no entry, no lastSyncedAt or an unreadable
 * one counts as never synced: the safe assumption when we cannot say how old the data is.
 */
export function assessFreshness(
  sources: readonly { readonly odsCode: string; readonly name: string }[],
  freshness: readonly IcbFreshness[],
  retentionDays: number,
  now: Date,
): IcbFreshnessState[] {
  return sources.map((icb) => {
    const entry = freshness.find((candidate) => candidate.odsCode === icb.odsCode);
    const name = entry?.name ?? icb.name;
    const synced = parseInstant(entry?.lastSyncedAt);
    if (entry?.lastSyncedAt === undefined || synced === undefined)
      return { odsCode: icb.odsCode, name, level: 'never-synced' };
    const age = now.getTime() - synced.getTime();
    let level: FreshnessLevel = 'fresh';
    if (age > retentionDays * MILLISECONDS_PER_DAY) level = 'expired';
    else if (age > SOFT_LIMIT) level = 'over-a-day';
    return { odsCode: icb.odsCode, name, lastSyncedAt: entry.lastSyncedAt, level };
  });
}

function describe(state: IcbFreshnessState, now: Date): string {
  return state.lastSyncedAt === undefined
    ? `${state.name}: never synced on this device`
    : `${state.name}: last synced ${relativeTime(state.lastSyncedAt, now)}`;
}

export function FreshnessBanner(props: {
  readonly states: readonly IcbFreshnessState[];
  readonly retentionDays: number;
  readonly now: Date;
}) {
  const { states, retentionDays, now } = props;
  const stale = states.filter((state) => state.level === 'expired' || state.level === 'never-synced');
  const old = states.filter((state) => state.level === 'over-a-day');
  return (
    <>
      {stale.length > 0 && (
        <div className="kbs-banner kbs-banner--stale" role="alert">
          <p className="kbs-banner__title">
            <Icon name="warning" />
            This record may be out of date
          </p>
          <ul className="kbs-banner__list">
            {stale.map((state) => (
              <li key={state.odsCode}>
                {describe(state, now)}
                {state.level === 'expired' ? ` (older than the ${retentionDays}-day limit)` : ''}
              </li>
            ))}
          </ul>
          <p>
            Confirm resuscitation decisions, allergies and medicines with the patient, carers or the clinical
            hub.
          </p>
        </div>
      )}
      {old.length > 0 && (
        <div className="kbs-banner kbs-banner--old" role="status">
          <p className="kbs-banner__title">
            <Icon name="info" />
            Not synced in the last 24 hours
          </p>
          <ul className="kbs-banner__list">
            {old.map((state) => (
              <li key={state.odsCode}>{describe(state, now)}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
