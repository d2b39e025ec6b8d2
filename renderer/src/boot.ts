// Start-up, in order: the provisioning profile (host or saved), the device key, the encrypted store, and the
// purge a changed profile asks for. Each failure becomes a state the shell can explain to the crew.
import type { Profile, ProfileIssue } from '../../sync/provisioning-profile';
import type { PullCheckpoint } from '../../sync/pull';
import { PatientStore, WrongKeyError } from '../../sync/store';
import { deviceDatabase } from './data/device-database';
import { deviceKey } from './data/device-key';
import { PATIENT_STORE_NAME } from './data/patient-store';
import { areaChanged, loadProvisioning } from './data/provisioning';

export type BootState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'unprovisioned'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly issues: readonly ProfileIssue[] }
  | { readonly kind: 'locked'; readonly message: string }
  | {
      readonly kind: 'ready';
      readonly profile: Profile;
      readonly store: PatientStore;
      /** For the sync worker's own handle on the store. */
      readonly keyMaterial: Uint8Array;
      /** Last completed sync per ICB, from the store's checkpoints. */
      readonly lastCompletedAt: Readonly<Record<string, string | undefined>>;
      readonly notice?: string;
    };

/** Applies a replaced profile: records outside the new area, and of ICBs no longer provisioned, go. */
async function applyProfileChange(store: PatientStore, before: Profile, after: Profile): Promise<void> {
  if (areaChanged(before, after)) await store.purgeOutsideArea(after.area.postcodeDistricts);
  const kept = new Set(after.icbs.map((icb) => icb.odsCode));
  for (const icb of before.icbs) if (!kept.has(icb.odsCode)) await store.purgeIcb(icb.odsCode);
}

async function lastCompleted(
  store: PatientStore,
  profile: Profile,
): Promise<Record<string, string | undefined>> {
  const entries = await Promise.all(
    profile.icbs.map(async (icb) => {
      const checkpoint = await store.readCheckpoint<PullCheckpoint>(icb.odsCode);
      return [icb.odsCode, checkpoint?.lastCompletedAt] as const;
    }),
  );
  return Object.fromEntries(entries);
}

export async function boot(): Promise<Exclude<BootState, { kind: 'loading' }>> {
  const db = deviceDatabase();
  const provisioning = await loadProvisioning(db);
  if (provisioning.kind !== 'provisioned') return provisioning;
  const { profile } = provisioning;
  let keyMaterial: Uint8Array;
  let store: PatientStore;
  try {
    keyMaterial = await deviceKey(db).keyMaterial();
    store = await PatientStore.open({ name: PATIENT_STORE_NAME, keyMaterial });
  } catch (error) {
    const message =
      error instanceof WrongKeyError
        ? 'The cached records were sealed with another key and cannot be read on this device.'
        : `The cached records could not be opened: ${(error as Error).message}`;
    return { kind: 'locked', message };
  }
  if (provisioning.replaced !== undefined) await applyProfileChange(store, provisioning.replaced, profile);
  return {
    kind: 'ready',
    profile,
    store,
    keyMaterial,
    lastCompletedAt: await lastCompleted(store, profile),
    ...(provisioning.notice === undefined ? {} : { notice: provisioning.notice }),
  };
}
