// Trust IT's device operations on the settings screen (Electron only): provision from a profile file, with
// every problem named by its JSON path, and wipe the device. Main checks the session's role on every call.
import { useState, type ChangeEvent } from 'react';
import type { IpcError, IpcResult, KerbsideApi } from '../../../main/ipc-contract';

export type DeviceManagementApi = Pick<KerbsideApi, 'validateProfile' | 'applyProfile' | 'deprovision'>;

interface Issue {
  readonly path: string;
  readonly message: string;
}

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly what: string }
  | { readonly kind: 'issues'; readonly issues: readonly Issue[] }
  | { readonly kind: 'valid' }
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'refused'; readonly error: IpcError };

const MAX_PROFILE_BYTES = 1024 * 1024;

function refusal<T>(result: IpcResult<T>): Outcome | undefined {
  return result.ok ? undefined : { kind: 'refused', error: result.error };
}

function OutcomeView({ outcome }: { readonly outcome: Outcome }) {
  switch (outcome.kind) {
    case 'idle':
      return null;
    case 'working':
      return <p role="status">{outcome.what}…</p>;
    case 'valid':
      return <p role="status">The profile is valid.</p>;
    case 'done':
      return <p role="status">{outcome.text}</p>;
    case 'refused':
      return (
        <p role="alert" className="nhsuk-error-message">
          Refused ({outcome.error.code}): {outcome.error.message}
        </p>
      );
    case 'issues':
      return (
        <div role="alert" className="nhsuk-error-summary">
          <h3 className="nhsuk-error-summary__title">The profile has {outcome.issues.length} problem(s)</h3>
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {outcome.issues.map((issue) => (
              <li key={`${issue.path}|${issue.message}`}>
                <code>{issue.path || '(profile)'}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </div>
      );
  }
}

export function DeviceManagement(props: { readonly api: DeviceManagementApi; readonly deviceId: string }) {
  const { api, deviceId } = props;
  const [profileJson, setProfileJson] = useState<string | undefined>();
  const [profileOutcome, setProfileOutcome] = useState<Outcome>({ kind: 'idle' });
  const [confirmation, setConfirmation] = useState('');
  const [wipeOutcome, setWipeOutcome] = useState<Outcome>({ kind: 'idle' });

  const chooseFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    setProfileJson(undefined);
    if (file === undefined) return;
    if (file.size > MAX_PROFILE_BYTES) {
      setProfileOutcome({ kind: 'issues', issues: [{ path: '', message: 'is larger than 1 MB' }] });
      return;
    }
    setProfileOutcome({ kind: 'working', what: 'Checking the profile' });
    const text = await file.text();
    const result = await api.validateProfile(text);
    const refused = refusal(result);
    if (refused !== undefined) setProfileOutcome(refused);
    else if (result.ok && result.value.length > 0)
      setProfileOutcome({ kind: 'issues', issues: result.value });
    else {
      setProfileJson(text);
      setProfileOutcome({ kind: 'valid' });
    }
  };

  const apply = async (json: string): Promise<void> => {
    setProfileOutcome({ kind: 'working', what: 'Applying the profile' });
    const result = await api.applyProfile(json);
    if (!result.ok) {
      setProfileOutcome({ kind: 'refused', error: result.error });
      return;
    }
    const outcome = result.value;
    setProfileOutcome(
      outcome.kind === 'invalid'
        ? { kind: 'issues', issues: outcome.issues }
        : {
            kind: 'done',
            text: `Applied: ${outcome.profile.area.name}, callsign ${outcome.profile.device.callsign}.${
              outcome.purgedOutsideArea ? ' Patients outside the new area are being removed.' : ''
            }`,
          },
    );
  };

  const wipe = async (): Promise<void> => {
    setWipeOutcome({ kind: 'working', what: 'Wiping this device' });
    const result = await api.deprovision({ deviceId });
    setWipeOutcome(
      result.ok
        ? { kind: 'done', text: 'Wiped: the database, keys and caches are deleted; Kerbside restarts.' }
        : { kind: 'refused', error: result.error },
    );
  };

  return (
    <section aria-labelledby="device-management" className="kb-device-management">
      <h2 id="device-management">Device management (trust IT)</h2>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="profile-file">
          Provision from a profile file
        </label>
        <div className="nhsuk-hint" id="profile-file-hint">
          A JSON provisioning profile from the trust. It is checked before anything changes.
        </div>
        <input
          id="profile-file"
          className="nhsuk-input"
          type="file"
          accept="application/json,.json"
          aria-describedby="profile-file-hint"
          onChange={(event) => void chooseFile(event)}
        />
      </div>
      <OutcomeView outcome={profileOutcome} />
      {profileJson !== undefined && profileOutcome.kind === 'valid' && (
        <button className="nhsuk-button" type="button" onClick={() => void apply(profileJson)}>
          Apply profile
        </button>
      )}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="wipe-confirm">
          Wipe this device: type its id, {deviceId}, to confirm
        </label>
        <input
          id="wipe-confirm"
          className="nhsuk-input nhsuk-input--width-20"
          autoComplete="off"
          value={confirmation}
          onChange={(event) => {
            setConfirmation(event.target.value);
          }}
        />
      </div>
      <button
        className="nhsuk-button nhsuk-button--warning"
        type="button"
        disabled={confirmation.trim() !== deviceId || wipeOutcome.kind === 'working'}
        onClick={() => void wipe()}
      >
        Wipe device
      </button>
      <OutcomeView outcome={wipeOutcome} />
    </section>
  );
}
