// The device's pre-arrival inbox: its own encrypted IndexedDB database beside the patient store, polled from
// the dispatch server named in the profile. Loaded after start-up (it brings the FHIR client and the
// one-patient fetch of the pull engine), so the first screen never waits for it.
import { FhirClient } from '../../../sync/fhir-client';
import { PreArrivalInbox, PreArrivalStore } from '../../../sync/prearrival';
import type { Profile } from '../../../sync/provisioning-profile';
import { dexieOptions } from '../../../sync/store';
import { PATIENT_STORE_NAME, type DeviceDatabaseOptions } from './patient-store';

/** The pre-arrival database's name: the patient store's, suffixed, so a wipe of one finds the other. */
export const PRE_ARRIVALS_NAME = `${PATIENT_STORE_NAME}-prearrivals`;

export type InboxProfile = Pick<Profile, 'device' | 'dispatch' | 'icbs'>;

export interface OpenedInbox {
  readonly inbox: PreArrivalInbox;
  close(): void;
}

/**
 * Opens the inbox. The key material is copied: the store derives its keys from the copy and zero-fills it, so
 * the caller's buffer is never touched.
 */
export async function openPreArrivalInbox(
  profile: InboxProfile,
  keyMaterial: Uint8Array,
  options: DeviceDatabaseOptions = {},
): Promise<OpenedInbox> {
  const copy = new Uint8Array(keyMaterial);
  let store: PreArrivalStore;
  try {
    store = await PreArrivalStore.open(options.name ?? PRE_ARRIVALS_NAME, copy, dexieOptions(options));
  } finally {
    copy.fill(0);
  }
  // Few attempts and a short timeout: the inbox polls again soon, and a crew waiting for a request should
  // not have the next poll held up by a slow one.
  const client = (baseUrl: string, auth: Profile['dispatch']['auth']) =>
    new FhirClient({ baseUrl, auth, retry: { maxAttempts: 2 }, timeoutMs: 15_000 });
  const inbox = new PreArrivalInbox({
    store,
    callsign: profile.device.callsign,
    dispatch: client(profile.dispatch.fhirBaseUrl, profile.dispatch.auth),
    icbs: profile.icbs.map((icb) => ({
      odsCode: icb.odsCode,
      name: icb.name,
      remote: client(icb.fhirBaseUrl, icb.auth),
    })),
  });
  return {
    inbox,
    close: () => {
      store.close();
    },
  };
}
