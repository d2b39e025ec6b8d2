// The privileged `app://kerbside/` scheme that serves the built renderer (never file://): path mapping that refuses
// traversal, content types, SPA fallback, the provisioning profile route, and security headers on every response.
import { readFile as readFileCallback, realpath as realpathCallback, stat as statCallback } from 'node:fs';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { CustomScheme } from 'electron';

// The callback forms of fs are the ones Electron's asar support patches, so the packaged renderer (inside
// app.asar) is read through them.
const readFile = promisify(readFileCallback);
const realpath = promisify(realpathCallback);
const stat = promisify(statCallback);

export const APP_SCHEME = 'app';
export const APP_HOST = 'kerbside';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;
/** The renderer fetches its profile here (as it does from the start script's server in a browser). */
export const PROFILE_ROUTE = '/provisioning/profile.json';

/**
 * Registered before `ready`. Standard and secure so the page gets a real origin, a secure context, IndexedDB and
 * service workers; fetch allowed; CORS off (nothing else may read it); CSP never bypassed.
 */
export const appSchemePrivileges: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    allowServiceWorkers: true,
    corsEnabled: false,
    bypassCSP: false,
    stream: true,
    codeCache: true,
    allowExtensions: false,
  },
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type ResolvedPath =
  | { readonly kind: 'file'; readonly segments: readonly string[] }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly reason: string };

/**
 * Maps a request URL to path segments under the renderer root. Refuses other hosts, and any segment that could
 * leave the root once decoded: `..`, `.`, encoded or literal slashes and backslashes, NUL, drive letters (`C:`).
 */
export function resolveAppPath(requestUrl: string): ResolvedPath {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'refused', status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:`) return { kind: 'refused', status: 404, reason: 'wrong scheme' };
  if (url.host.toLowerCase() !== APP_HOST) return { kind: 'refused', status: 404, reason: 'wrong host' };
  if (url.username !== '' || url.password !== '')
    return { kind: 'refused', status: 400, reason: 'credentials' };
  const segments: string[] = [];
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'refused', status: 400, reason: 'malformed percent-encoding' };
    }
    if (
      segment === '.' ||
      segment === '..' ||
      /[/\\\0:]/.test(segment) ||
      segment.includes('%') // double encoding such as %252e%252e
    )
      return { kind: 'refused', status: 403, reason: `refused path segment ${JSON.stringify(raw)}` };
    segments.push(segment);
  }
  return { kind: 'file', segments };
}

export interface AppProtocolOptions {
  /** The built renderer (dist-renderer/). */
  readonly rendererRoot: string;
  /** Computed per request: it changes when the device is re-provisioned. */
  readonly contentSecurityPolicy: () => string;
  /** The redacted stored profile as JSON, or null when the device is not provisioned. */
  readonly profileJson: () => Promise<string | null>;
}

/** Headers on every response, errors included. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=()',
  };
}

function isAssetPath(segments: readonly string[]): boolean {
  const last = segments.at(-1) ?? '';
  return segments[0] === 'assets' || extname(last) !== '';
}

/** A top-level page load: Chromium marks it `Sec-Fetch-Mode: navigate` and asks for HTML. */
function isNavigation(request: Request): boolean {
  const mode = request.headers.get('sec-fetch-mode');
  if (mode !== null) return mode === 'navigate';
  return (request.headers.get('accept') ?? '').includes('text/html');
}

/** The `protocol.handle` handler: web `Request` in, web `Response` out (also used by the test HTTP server). */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  let realRoot: Promise<string> | undefined;
  const rootPath = () => (realRoot ??= realpath(options.rendererRoot));

  const respond = (status: number, body: BodyInit | null, type: string, head: boolean, cache = 'no-cache') =>
    new Response(head ? null : body, {
      status,
      headers: {
        ...securityHeaders(options.contentSecurityPolicy()),
        'content-type': type,
        'cache-control': cache,
      },
    });

  const serveFile = async (segments: readonly string[], head: boolean): Promise<Response | null> => {
    const root = await rootPath();
    const candidate = join(root, ...segments);
    let real: string;
    try {
      real = await realpath(candidate);
      if (!(await stat(real)).isFile()) return null;
    } catch {
      return null;
    }
    // A symlink inside the build must not lead outside it either.
    const inside = relative(root, real);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return null;
    const hashed = segments[0] === 'assets';
    return respond(
      200,
      await readFile(real),
      contentTypeFor(real),
      head,
      hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
  };

  return async (request) => {
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) return respond(405, 'Method Not Allowed', 'text/plain', false);
    const resolved = resolveAppPath(request.url);
    if (resolved.kind === 'refused') return respond(resolved.status, resolved.reason, 'text/plain', head);
    const path = `/${resolved.segments.join('/')}`;
    if (path === PROFILE_ROUTE) {
      const profile = await options.profileJson();
      return profile === null
        ? respond(404, 'this device is not provisioned', 'text/plain', head, 'no-store')
        : respond(200, profile, contentTypeFor('.json'), head, 'no-store');
    }
    const file = await serveFile(resolved.segments.length === 0 ? ['index.html'] : resolved.segments, head);
    if (file !== null) return file;
    // Client-side routes (a page navigation, no extension, not under assets/) get the app shell; anything else
    // that is missing is 404, so a script or fetch never receives HTML with a 200.
    if (isNavigation(request) && !isAssetPath(resolved.segments)) {
      const shell = await serveFile(['index.html'], head);
      if (shell !== null) return shell;
    }
    return respond(404, 'Not Found', 'text/plain', head);
  };
}
