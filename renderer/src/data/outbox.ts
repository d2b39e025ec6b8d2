// The device's outbox of encounter notes: its own encrypted IndexedDB database beside the patient store, and
// the push engine that sends finalised notes to their ICB whenever there is signal (kicked on `online`).
import { FhirClient } from '../../../sync/fhir-client';
import { authFor, fhirClientRemote, Outbox, PushEngine } from '../../../sync/outbox';
import type { RouteTarget } from '../../../sync/outbox';
import type { Profile } from '../../../sync/provisioning-profile';
import { dexieOptions } from '../../../sync/store';
import { PATIENT_STORE_NAME, type DeviceDatabaseOptions } from './patient-store';

/** The outbox database's name: the patient store's, suffixed, so a wipe of one finds the other. */
export const OUTBOX_NAME = `${PATIENT_STORE_NAME}-outbox`;

export type OutboxProfile = Pick<Profile, 'icbs' | 'trust' | 'retention'>;

/**
 * Opens the outbox. The key material is copied: the outbox derives its keys from the copy and zero-fills it,
 * so the caller's buffer (shared with the sync worker's start-up) is never touched.
 */
export async function openDeviceOutbox(
  profile: OutboxProfile,
  keyMaterial: Uint8Array,
  options: DeviceDatabaseOptions = {},
): Promise<Outbox> {
  const copy = new Uint8Array(keyMaterial);
  try {
    return await Outbox.open({
      name: options.name ?? OUTBOX_NAME,
      keyMaterial: copy,
      profile,
      ...dexieOptions(options),
    });
  } finally {
    copy.fill(0);
  }
}

/** One FHIR client per target base URL, with the auth the profile gives that ICB (or the trust endpoint). */
export function clientsFor(profile: Pick<Profile, 'icbs' | 'trust'>): (target: RouteTarget) => FhirClient {
  const clients = new Map<string, FhirClient>();
  return (target) => {
    const existing = clients.get(target.fhirBaseUrl);
    if (existing !== undefined) return existing;
    const auth = authFor(target, profile);
    if (auth === undefined)
      throw new Error(`The device's profile no longer has credentials for ${target.fhirBaseUrl}`);
    // Few attempts here: the push engine backs off between attempts of a note itself.
    const client = new FhirClient({ baseUrl: target.fhirBaseUrl, auth, retry: { maxAttempts: 2 } });
    clients.set(target.fhirBaseUrl, client);
    return client;
  };
}

export interface RunningPush {
  readonly engine: PushEngine;
  stop(): Promise<void>;
}

/**
 * Starts pushing finalised notes; only one window of the app pushes at a time (the engine's lease). Sends at
 * once when the browser reports it is back online, rather than waiting for the next backoff.
 */
export function startPush(
  outbox: Outbox,
  profile: Pick<Profile, 'icbs' | 'trust'>,
  target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
): RunningPush {
  const engine = new PushEngine({
    outbox,
    remote: fhirClientRemote(clientsFor(profile)),
    trust: { odsCode: profile.trust.odsCode, name: profile.trust.name },
  });
  const online = () => {
    void outbox.retryNow().then(() => {
      engine.kick();
    });
  };
  target.addEventListener('online', online);
  engine.start();
  return {
    engine,
    stop: () => {
      target.removeEventListener('online', online);
      return engine.stop();
    },
  };
}
