// One ICB's cache on the home screen: patients cached, last successful sync and its age, and what the
// background sync is doing now (with a progress bar while it runs).
import type { IcbSyncState } from '../background-sync/sync-state';
import { formatAge, formatCount, formatDuration } from '../format';

export interface IcbStatusProps {
  readonly name: string;
  readonly odsCode: string;
  /** Patients cached on this device; undefined while the count is read. */
  readonly patientsCached: number | undefined;
  readonly sync: IcbSyncState;
  readonly online: boolean;
  readonly now: Date;
}

function statusWords({ sync, online, now }: IcbStatusProps): string {
  const last = sync.lastCompletedAt;
  switch (sync.phase) {
    case 'syncing':
      return 'Syncing';
    case 'retrying':
      return `Retrying: ${sync.message ?? 'the server did not answer'}`;
    case 'rate-limited':
      return 'The server asked us to slow down; waiting';
    case 'offline':
      return 'Offline: could not reach this Shared Care Record';
    case 'unauthorized':
      return 'Refused: the server did not accept this device. Ask trust IT';
    case 'failed':
      return `Sync failed: ${sync.message ?? 'unknown error'}`;
    case 'paused':
      return online ? 'Paused' : 'Paused while offline';
    case 'idle':
      if (last !== undefined) return `Synced ${formatAge(last, now)}`;
      return online ? 'Not synced yet: waiting to start' : 'Not synced yet: no signal';
  }
}

function ProgressLine({ sync }: { sync: IcbSyncState }) {
  const progress = sync.progress;
  if (progress === undefined) return <p className="kb-progress-words">Starting…</p>;
  const expected = progress.patientsExpected;
  const parts = [
    expected === undefined
      ? `${formatCount(progress.patientsDone)} patients`
      : `${formatCount(progress.patientsDone)} of ${formatCount(expected)} patients`,
  ];
  if (progress.ratePerSecond > 0) parts.push(`${progress.ratePerSecond.toFixed(0)} a second`);
  if (progress.etaSeconds !== undefined) parts.push(`about ${formatDuration(progress.etaSeconds)} left`);
  if (progress.phase === 'incremental') parts.push(`${formatCount(progress.changes)} changes`);
  return (
    <>
      <progress
        className="kb-progress"
        aria-label={`Sync progress`}
        max={expected ?? undefined}
        value={expected === undefined ? undefined : progress.patientsDone}
      />
      <p className="kb-progress-words">{parts.join(' · ')}</p>
    </>
  );
}

export function IcbStatus(props: IcbStatusProps) {
  const { name, odsCode, patientsCached, sync, now } = props;
  const busy = sync.phase === 'syncing' || sync.phase === 'retrying' || sync.phase === 'rate-limited';
  const problem = sync.phase === 'offline' || sync.phase === 'unauthorized' || sync.phase === 'failed';
  return (
    <li
      className={`kb-icb kb-icb--${sync.phase}`}
      aria-label={`${name} (${odsCode})`}
      data-phase={sync.phase}
    >
      <h3 className="kb-icb__name">
        {name} <span className="kb-ods">{odsCode}</span>
      </h3>
      <p className="kb-icb__count">
        {patientsCached === undefined ? 'Counting…' : `${formatCount(patientsCached)} patients cached`}
      </p>
      <p className={`kb-icb__status${problem ? ' kb-icb__status--problem' : ''}`} role="status">
        {statusWords(props)}
      </p>
      {busy && <ProgressLine sync={sync} />}
      {sync.phase !== 'idle' && sync.lastCompletedAt !== undefined && (
        <p className="kb-icb__last">Last synced {formatAge(sync.lastCompletedAt, now)}</p>
      )}
      {sync.invalidResources > 0 && (
        <p className="kb-icb__last">{formatCount(sync.invalidResources)} records set aside as unreadable</p>
      )}
    </li>
  );
}
