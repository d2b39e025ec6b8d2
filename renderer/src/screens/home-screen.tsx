// Home: the provisioned area and callsign, each ICB's cache and sync, and what waits to be sent or received.
import type { OutboxCounts } from '../../../sync/outbox';
import type { Profile } from '../../../sync/provisioning-profile';
import type { SyncState } from '../background-sync/sync-state';
import type { PreArrivalItem } from '../../../sync/prearrival';
import type { PreArrivalState } from '../data/pre-arrival-state';
import { IcbStatus } from '../components/icb-status';
import { PreArrivalList } from '../components/pre-arrival-list';
import { ThemeToggle } from '../components/theme-toggle';
import { DraftList, type HomeDraft } from '../encounter/note-display';
import { formatAge } from '../format';
import type { Theme } from '../theme';

export interface HomeScreenProps {
  readonly profile: Profile;
  readonly sync: SyncState;
  /** Patients cached per ICB ODS code; undefined while being counted. */
  readonly cached: Readonly<Record<string, number>> | undefined;
  /** ICBs whose count is being read again after a sync: shown as being counted, not as the old number. */
  readonly recounting?: ReadonlySet<string>;
  /** Notes in the outbox by state; undefined while being read. */
  readonly noteQueue: OutboxCounts | undefined;
  /** Drafts to continue, most recently changed first. */
  readonly drafts?: readonly HomeDraft[];
  readonly now: Date;
  readonly theme: Theme;
  readonly onThemeChange: (theme: Theme) => void;
  readonly onSyncNow: () => void;
  readonly onSearch: () => void;
  readonly onNewUnknownNote?: () => void;
  readonly onOpenOutbox?: () => void;
  readonly onContinueDraft?: (key: string) => void;
  /** The control room's requests for this vehicle; undefined where the inbox is not run. */
  readonly preArrivals?: PreArrivalState;
  readonly onOpenPreArrival?: (item: PreArrivalItem) => void;
  readonly onAcceptPreArrival?: (item: PreArrivalItem) => void;
}

/** "None yet", or e.g. "2 waiting · 1 sent"; paused notes count as waiting, with the reason on the outbox. */
function queueWords(counts: OutboxCounts | undefined): string {
  if (counts === undefined) return 'Checking…';
  const parts = [
    [counts.queued + counts.paused, 'waiting'],
    [counts.sending, 'sending'],
    [counts.sent, 'sent'],
    [counts.needsAttention, 'need attention'],
  ] as const;
  const words = parts.filter(([count]) => count > 0).map(([count, word]) => `${String(count)} ${word}`);
  return words.length === 0 ? 'None yet' : words.join(' · ');
}

/** "None (checked 2 min ago)", "2 open · 1 not accepted", or why it is not known. */
function preArrivalWords(state: PreArrivalState | undefined, online: boolean, now: Date): string {
  if (state === undefined) return 'Not received on this device';
  if (state.kind === 'opening') return 'Checking…';
  if (state.kind === 'failed') return `Could not be opened: ${state.message}`;
  const { items } = state;
  const waiting = items.filter((item) => item.status !== 'accepted').length;
  const counted =
    items.length === 0
      ? 'None'
      : [`${String(items.length)} open`, ...(waiting > 0 ? [`${String(waiting)} not accepted`] : [])].join(
          ' · ',
        );
  if (!online) return `${counted} (offline: new requests arrive when the signal returns)`;
  if (state.checkError !== undefined) return `${counted} (could not reach dispatch: ${state.checkError})`;
  if (state.lastCheckedAt === undefined) return `${counted} (checking…)`;
  return `${counted} (checked ${formatAge(state.lastCheckedAt.toISOString(), now)})`;
}

export function HomeScreen(props: HomeScreenProps) {
  const { profile, sync, cached, now } = props;
  return (
    <>
      <section aria-labelledby="area-heading" className="kb-area">
        <h2 id="area-heading">Area: {profile.area.name}</h2>
        <p>
          Callsign <strong>{profile.device.callsign}</strong> · {profile.trust.name} · postcode districts{' '}
          {profile.area.postcodeDistricts.join(', ')}
        </p>
        <div className="kb-button-row">
          <button type="button" className="nhsuk-button kb-find" onClick={props.onSearch}>
            Find a patient
          </button>
          {props.onNewUnknownNote !== undefined && (
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary kb-find"
              onClick={props.onNewUnknownNote}
            >
              New note for unknown patient
            </button>
          )}
        </div>
      </section>
      {props.preArrivals?.kind === 'ready' && props.preArrivals.items.length > 0 && (
        <section aria-labelledby="prearrivals-heading">
          <h2 id="prearrivals-heading">Pre-arrival requests</h2>
          <PreArrivalList
            items={props.preArrivals.items}
            icbNames={Object.fromEntries(profile.icbs.map((icb) => [icb.odsCode, icb.name]))}
            now={now}
            onOpen={(item) => props.onOpenPreArrival?.(item)}
            onAccept={(item) => props.onAcceptPreArrival?.(item)}
          />
        </section>
      )}
      {props.drafts !== undefined && props.drafts.length > 0 && props.onContinueDraft !== undefined && (
        <DraftList drafts={props.drafts} onContinue={props.onContinueDraft} />
      )}
      {!sync.online && (
        <div className="nhsuk-inset-text kb-offline" role="status">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            <strong>Offline.</strong> Searching uses the records cached on this device. Sync resumes when the
            signal returns.
          </p>
        </div>
      )}
      {sync.workerError !== undefined && (
        <p className="kb-error" role="alert">
          Background sync stopped: {sync.workerError}
        </p>
      )}
      <section aria-labelledby="icbs-heading">
        <div className="kb-section-head">
          <h2 id="icbs-heading">Shared Care Records on this device</h2>
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary kb-sync-now"
            onClick={props.onSyncNow}
            disabled={sync.running}
          >
            Sync now
          </button>
        </div>
        <ul className="kb-icb-list">
          {profile.icbs.map((icb) => (
            <IcbStatus
              key={icb.odsCode}
              name={icb.name}
              odsCode={icb.odsCode}
              patientsCached={
                cached === undefined || props.recounting?.has(icb.odsCode) === true
                  ? undefined
                  : (cached[icb.odsCode] ?? 0)
              }
              sync={sync.icbs[icb.odsCode] ?? { phase: 'idle', invalidResources: 0 }}
              online={sync.online}
              now={now}
            />
          ))}
        </ul>
      </section>
      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Waiting</h2>
        <dl className="nhsuk-summary-list kb-queues">
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Notes to send</dt>
            <dd className="nhsuk-summary-list__value" data-testid="note-queue">
              {queueWords(props.noteQueue)}
            </dd>
          </div>
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Pre-arrival requests</dt>
            <dd className="nhsuk-summary-list__value" data-testid="pre-arrivals">
              {preArrivalWords(props.preArrivals, sync.online, now)}
            </dd>
          </div>
        </dl>
        {props.onOpenOutbox !== undefined && (
          <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={props.onOpenOutbox}>
            Open outbox
          </button>
        )}
      </section>
      <ThemeToggle theme={props.theme} onChange={props.onThemeChange} />
    </>
  );
}
