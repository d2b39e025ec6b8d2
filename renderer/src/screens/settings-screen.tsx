// Settings and diagnostics: storage, record counts per ICB, the quarantine list with reasons, the app's
// version and build, the service worker, and the theme.
import { useEffect, useState } from 'react';
import type { Profile } from '../../../sync/provisioning-profile';
import type { QuarantineEntry, StoreCounts } from '../../../sync/store';
import { DeviceManagement, type DeviceManagementApi } from '../components/device-management';
import { ThemeToggle } from '../components/theme-toggle';
import type { ScreenStore } from '../data/patient-store';
import { formatBytes, formatCount } from '../format';
import type { Theme } from '../theme';
import { Row } from '../components/summary-list-row';

export interface Diagnostics {
  readonly storeBytes: number;
  /** The browser's view of this origin's storage, when it offers one. */
  readonly storage?: { readonly usage?: number; readonly quota?: number };
  readonly counts: StoreCounts;
  readonly quarantine: readonly QuarantineEntry[];
  readonly serviceWorker: string;
}

export interface SettingsScreenProps {
  readonly store: Pick<ScreenStore, 'counts' | 'quarantineList' | 'estimateBytes'>;
  readonly profile: Pick<Profile, 'icbs' | 'device' | 'trust'>;
  readonly storageEstimate: () => Promise<StorageEstimate | undefined>;
  readonly serviceWorkerState: () => Promise<string>;
  readonly version: string;
  readonly buildTime: string;
  readonly theme: Theme;
  readonly onThemeChange: (theme: Theme) => void;
  /** Present in Electron: trust IT's provisioning and wipe (main refuses them outside an IT session). */
  readonly deviceManagement?: DeviceManagementApi;
}

async function readDiagnostics(props: SettingsScreenProps): Promise<Diagnostics> {
  const [storeBytes, storage, counts, quarantine, serviceWorker] = await Promise.all([
    props.store.estimateBytes(),
    props.storageEstimate().catch(() => undefined),
    props.store.counts(),
    props.store.quarantineList(),
    props.serviceWorkerState().catch(() => 'unknown'),
  ]);
  return { storeBytes, storage, counts, quarantine, serviceWorker };
}

function QuarantineList({
  entries,
  icbNames,
}: {
  entries: readonly QuarantineEntry[];
  icbNames: Readonly<Record<string, string>>;
}) {
  if (entries.length === 0) return <p>No records have been set aside.</p>;
  return (
    <ul className="kb-quarantine" aria-label="Quarantined records">
      {entries.map((entry, index) => (
        <li key={`${entry.icb}-${entry.at}-${index}`} className="kb-quarantine__entry">
          <p className="kb-quarantine__what">
            {entry.resourceType ?? 'Resource'}
            {entry.resourceId === undefined ? '' : `/${entry.resourceId}`} from{' '}
            {icbNames[entry.icb] ?? entry.icb}
          </p>
          <p className="kb-quarantine__reason">{entry.reason}</p>
          <p className="kb-quarantine__when">{new Date(entry.at).toLocaleString('en-GB')}</p>
        </li>
      ))}
    </ul>
  );
}

export function SettingsScreen(props: SettingsScreenProps) {
  const [diagnostics, setDiagnostics] = useState<Diagnostics | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const icbNames = Object.fromEntries(props.profile.icbs.map((icb) => [icb.odsCode, icb.name]));

  useEffect(() => {
    let cancelled = false;
    readDiagnostics(props).then(
      (value) => {
        if (!cancelled) setDiagnostics(value);
      },
      (error: unknown) => {
        if (!cancelled) setFailure((error as Error).message);
      },
    );
    return () => {
      cancelled = true;
    };
    // Read once per visit to the screen.
  }, []);

  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings and diagnostics</h2>
      <h3>Display</h3>
      <ThemeToggle theme={props.theme} onChange={props.onThemeChange} />
      <h3>This device</h3>
      <dl className="nhsuk-summary-list">
        <Row label="Callsign">{props.profile.device.callsign}</Row>
        <Row label="Device id">{props.profile.device.id}</Row>
        <Row label="Trust">{props.profile.trust.name}</Row>
        <Row label="App version">{props.version}</Row>
        <Row label="Built">{props.buildTime}</Row>
        <Row label="Service worker">{diagnostics?.serviceWorker ?? 'Checking…'}</Row>
        <Row label="Patient store size">
          {diagnostics === undefined ? 'Measuring…' : formatBytes(diagnostics.storeBytes)}
        </Row>
        <Row label="Browser storage used">
          {diagnostics?.storage?.usage === undefined
            ? 'Not reported'
            : `${formatBytes(diagnostics.storage.usage)} of ${formatBytes(diagnostics.storage.quota ?? 0)}`}
        </Row>
      </dl>
      {failure !== undefined && (
        <p className="kb-error" role="alert">
          Diagnostics could not be read: {failure}
        </p>
      )}
      <h3>Records per Shared Care Record</h3>
      <dl className="nhsuk-summary-list" aria-label="Records per ICB">
        {props.profile.icbs.map((icb) => (
          <Row key={icb.odsCode} label={`${icb.name} (${icb.odsCode})`}>
            {diagnostics === undefined
              ? 'Counting…'
              : formatCount(diagnostics.counts.byIcb[icb.odsCode] ?? 0)}
          </Row>
        ))}
      </dl>
      <h3>Quarantine</h3>
      <p className="nhsuk-hint">
        Resources a server sent that could not be read. They are not shown to crews.
      </p>
      {diagnostics === undefined ? (
        <p>Reading…</p>
      ) : (
        <QuarantineList entries={diagnostics.quarantine} icbNames={icbNames} />
      )}
      {props.deviceManagement !== undefined && (
        <DeviceManagement api={props.deviceManagement} deviceId={props.profile.device.id} />
      )}
    </section>
  );
}
