// The app shell: shows the provisioned area and each ICB's Shared Care Record with its patient counts.
import { useEffect, useState } from 'react';
import { fetchIcbCount, type IcbCount } from './icb-counts';
import { loadProfile, type ProvisioningState } from './provisioning';

function IcbRow({ name, odsCode, count }: { name: string; odsCode: string; count: IcbCount | undefined }) {
  let status: string;
  if (count === undefined) status = 'Checking…';
  else if (count.kind === 'error') status = `Unreachable: ${count.message}`;
  else
    status = `${count.inArea.toLocaleString('en-GB')} patients in area of ${count.total.toLocaleString('en-GB')}`;
  return (
    <li className="icb-row" aria-label={`${name} (${odsCode})`}>
      <span className="icb-name">
        {name} <span className="ods">{odsCode}</span>
      </span>
      <span className="icb-status">{status}</span>
    </li>
  );
}

export function App() {
  const [state, setState] = useState<ProvisioningState>({ kind: 'loading' });
  const [counts, setCounts] = useState<Readonly<Record<string, IcbCount>>>({});

  useEffect(() => {
    let cancelled = false;
    void loadProfile().then((loaded) => {
      if (cancelled) return;
      setState(loaded);
      if (loaded.kind !== 'provisioned') return;
      for (const icb of loaded.profile.icbs) {
        void fetchIcbCount(icb, loaded.profile.area.postcodeDistricts).then((count) => {
          if (!cancelled) setCounts((previous) => ({ ...previous, [icb.odsCode]: count }));
        });
      }
    });
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <main className="app">
      <header className="app-header">
        <h1>Kerbside</h1>
      </header>
      {state.kind === 'loading' && <p>Loading provisioning profile…</p>}
      {state.kind === 'unprovisioned' && (
        <p role="alert">This device is not provisioned: {state.reason}. Ask trust IT to provision it.</p>
      )}
      {state.kind === 'invalid' && (
        <section role="alert">
          <h2>The provisioning profile is invalid</h2>
          <ul>
            {state.issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {state.kind === 'provisioned' && (
        <>
          <section aria-labelledby="area-heading">
            <h2 id="area-heading">Area: {state.profile.area.name}</h2>
            <p>
              {state.profile.device.callsign} · {state.profile.trust.name} · postcode districts{' '}
              {state.profile.area.postcodeDistricts.join(', ')}
            </p>
          </section>
          <section aria-labelledby="icbs-heading">
            <h2 id="icbs-heading">Shared Care Records</h2>
            <ul className="icb-list">
              {state.profile.icbs.map((icb) => (
                <IcbRow key={icb.odsCode} name={icb.name} odsCode={icb.odsCode} count={counts[icb.odsCode]} />
              ))}
            </ul>
          </section>
        </>
      )}
    </main>
  );
}
