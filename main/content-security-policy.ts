// The renderer's Content-Security-Policy: same-origin everything, and network access only to the origins the
// provisioning profile names (ICBs, their SMART token endpoints, dispatch, the trust's own endpoint).
import { profileEndpoints, type StoredProfile } from './stored-profile';

/** The origins the renderer may `fetch`, in profile order, without duplicates. */
export function provisionedConnectOrigins(profile: StoredProfile | null): string[] {
  if (profile === null) return [];
  const origins = new Set<string>();
  for (const endpoint of profileEndpoints(profile)) {
    const url = new URL(endpoint.url);
    // The profile schema already allows only https (or http on loopback); re-check because this feeds a header.
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    origins.add(url.origin);
  }
  return [...origins];
}

/**
 * The policy as a header value. `'self'` is `app://kerbside` under Electron. No `'unsafe-inline'` anywhere: the
 * built renderer has no inline script or style (the integration test loads it in Chromium to prove it).
 */
export function contentSecurityPolicy(connectOrigins: readonly string[]): string {
  for (const origin of connectOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.[\]:-]+$/.test(origin)) throw new Error(`not an origin: ${origin}`);
  }
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'", ...connectOrigins],
    ['worker-src', "'self'"],
    ['manifest-src', "'self'"],
    ['frame-src', "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map((parts) => parts.join(' ')).join('; ');
}

/** Parses a policy header back into directive -> sources, for tests and diagnostics. */
export function parseContentSecurityPolicy(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '') directives.set(name, sources);
  }
  return directives;
}
