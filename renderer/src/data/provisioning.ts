// The device's provisioning profile: fetched from the host (start script or Electron's app:// protocol),
// validated, and saved on the device so the app starts with no network; a newer valid profile replaces it.
import { parseProfile, type Profile, type ProfileIssue } from '../../../sync/provisioning-profile';
import type { DeviceDatabase } from './device-database';

export const PROFILE_URL = './provisioning/profile.json';
const SAVED = 'current';

export type ProvisioningState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'unprovisioned'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly issues: readonly ProfileIssue[] }
  | {
      readonly kind: 'provisioned';
      readonly profile: Profile;
      /** `host` when it came over the network now; `saved` when the host was unreachable. */
      readonly from: 'host' | 'saved';
      /** The saved profile this one replaced, when it changed: the caller purges what falls outside it. */
      readonly replaced?: Profile;
      /** Why the saved profile is in use although the host answered (e.g. it served an invalid one). */
      readonly notice?: string;
    };

type HostAnswer =
  | { readonly kind: 'profile'; readonly profile: Profile }
  | { readonly kind: 'invalid'; readonly issues: readonly ProfileIssue[] }
  | { readonly kind: 'none'; readonly reason: string };

async function fetchFromHost(fetchImpl: typeof fetch): Promise<HostAnswer> {
  let response: Response;
  try {
    response = await fetchImpl(PROFILE_URL, { cache: 'no-store' });
  } catch (error) {
    return { kind: 'none', reason: `could not reach the provisioning profile: ${(error as Error).message}` };
  }
  if (response.status === 404) return { kind: 'none', reason: 'this device has no provisioning profile' };
  if (!response.ok) return { kind: 'none', reason: `provisioning profile: HTTP ${response.status}` };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: 'invalid', issues: [{ path: '(root)', message: 'not valid JSON' }] };
  }
  const result = parseProfile(body);
  return result.ok
    ? { kind: 'profile', profile: result.profile }
    : { kind: 'invalid', issues: result.issues };
}

async function readSaved(db: DeviceDatabase): Promise<Profile | undefined> {
  const record = await db.profiles.get(SAVED);
  if (record === undefined) return undefined;
  const result = parseProfile(record.profile);
  // A saved profile that no longer validates (schema moved on) is as good as none.
  return result.ok ? result.profile : undefined;
}

/** True when the two profiles name different area districts (order and case aside). */
export function areaChanged(before: Profile, after: Profile): boolean {
  const key = (profile: Profile) => [...profile.area.postcodeDistricts].sort().join(',');
  return key(before) !== key(after);
}

/** Loads the profile: the host's when it answers with a valid one (saved if new), else the saved one. */
export async function loadProvisioning(
  db: DeviceDatabase,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  now: () => Date = () => new Date(),
): Promise<Exclude<ProvisioningState, { kind: 'loading' }>> {
  const [host, saved] = await Promise.all([fetchFromHost(fetchImpl), readSaved(db)]);
  if (host.kind === 'profile') {
    const changed = saved === undefined || JSON.stringify(saved) !== JSON.stringify(host.profile);
    if (changed) await db.profiles.put({ profile: host.profile, savedAt: now().toISOString() }, SAVED);
    return {
      kind: 'provisioned',
      profile: host.profile,
      from: 'host',
      ...(changed && saved !== undefined ? { replaced: saved } : {}),
    };
  }
  if (saved !== undefined) {
    return {
      kind: 'provisioned',
      profile: saved,
      from: 'saved',
      ...(host.kind === 'invalid'
        ? { notice: 'The host offered an invalid profile; the saved one is in use.' }
        : {}),
    };
  }
  return host.kind === 'invalid'
    ? { kind: 'invalid', issues: host.issues }
    : { kind: 'unprovisioned', reason: host.reason };
}
