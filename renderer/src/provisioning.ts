// Loads the device's provisioning profile from its host (the start script in a browser) and validates it.
import { parseProfile, type Profile, type ProfileIssue } from '../../sync/provisioning-profile';

export type ProvisioningState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'unprovisioned'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly issues: readonly ProfileIssue[] }
  | { readonly kind: 'provisioned'; readonly profile: Profile };

export const PROFILE_URL = './provisioning/profile.json';

export async function loadProfile(fetchImpl: typeof fetch = fetch): Promise<ProvisioningState> {
  let response: Response;
  try {
    response = await fetchImpl(PROFILE_URL, { cache: 'no-store' });
  } catch (error) {
    return {
      kind: 'unprovisioned',
      reason: `could not reach the provisioning profile: ${(error as Error).message}`,
    };
  }
  if (response.status === 404)
    return { kind: 'unprovisioned', reason: 'this device has no provisioning profile' };
  if (!response.ok) return { kind: 'unprovisioned', reason: `provisioning profile: HTTP ${response.status}` };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: 'invalid', issues: [{ path: '(root)', message: 'not valid JSON' }] };
  }
  const result = parseProfile(body);
  return result.ok
    ? { kind: 'provisioned', profile: result.profile }
    : { kind: 'invalid', issues: result.issues };
}
