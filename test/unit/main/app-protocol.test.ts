import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  appSchemePrivileges,
  createAppProtocolHandler,
  resolveAppPath,
} from '../../../main/app-protocol';
import {
  contentSecurityPolicy,
  parseContentSecurityPolicy,
  provisionedConnectOrigins,
} from '../../../main/content-security-policy';
import { redactProfile } from '../../../main/stored-profile';
import { profileWithSecrets, temporaryDirectory } from './support/fake-electron';

describe('app:// protocol handler', () => {
  const dir = temporaryDirectory('kerbside-renderer-');
  const outside = temporaryDirectory('kerbside-outside-');
  const root = join(dir.path, 'dist-renderer');
  const csp = contentSecurityPolicy(['https://scr.example.nhs.uk']);
  let profile: string | null = null;
  const handler = createAppProtocolHandler({
    rendererRoot: root,
    contentSecurityPolicy: () => csp,
    profileJson: () => Promise.resolve(profile),
  });
  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  beforeAll(() => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Kerbside</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(root, 'icon.svg'), '<svg/>');
    writeFileSync(join(root, 'manifest.webmanifest'), '{}');
    writeFileSync(join(dir.path, 'secret.txt'), 'outside the renderer root');
    writeFileSync(join(outside.path, 'passwd'), 'root:x:0:0');
    symlinkSync(join(outside.path, 'passwd'), join(root, 'link.txt'));
  });
  afterAll(() => {
    dir.remove();
    outside.remove();
  });

  it.each([
    ['app://kerbside/', 'text/html; charset=utf-8', '<!doctype html>'],
    ['app://kerbside/index.html', 'text/html; charset=utf-8', '<!doctype html>'],
    ['app://kerbside/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log'],
    ['app://kerbside/assets/index-abc.css', 'text/css; charset=utf-8', 'body'],
    ['app://kerbside/icon.svg', 'image/svg+xml', '<svg'],
    ['app://kerbside/manifest.webmanifest', 'application/manifest+json; charset=utf-8', '{}'],
  ])('serves %s as %s', async (url, type, start) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(await response.text()).toContain(start);
  });

  it('sets the CSP and hardening headers on every response, errors included', async () => {
    for (const url of ['app://kerbside/', 'app://kerbside/missing.js', 'app://kerbside/..%2fsecret.txt']) {
      const response = await get(url);
      expect(response.headers.get('content-security-policy')).toBe(csp);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });

  const navigate = (url: string) =>
    handler(
      new Request(url, {
        headers: { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' },
      }),
    );

  it('falls back to index.html for client-side routes navigated to, but not for missing assets', async () => {
    const route = await navigate('app://kerbside/patients/123');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<!doctype html>');
    expect((await get('app://kerbside/patients/123')).status).toBe(404);
    expect((await navigate('app://kerbside/assets/missing.js')).status).toBe(404);
    expect((await navigate('app://kerbside/missing.png')).status).toBe(404);
  });

  it('a navigation to ../../etc/passwd is canonicalised by the URL parser to /etc/passwd: the app shell, never the file', async () => {
    expect(new Request('app://kerbside/../../etc/passwd').url).toBe('app://kerbside/etc/passwd');
    const response = await navigate('app://kerbside/../../etc/passwd');
    const body = await response.text();
    expect(body).not.toContain('root:x');
    expect(body).toContain('<title>Kerbside</title>');
  });

  it.each([
    'app://kerbside/../../etc/passwd',
    'app://kerbside/%2e%2e/%2e%2e/etc/passwd',
    'app://kerbside/..%2f..%2fsecret.txt',
    'app://kerbside/..%5c..%5csecret.txt',
    'app://kerbside/..\\..\\secret.txt',
    'app://kerbside/%2e%2e%5csecret.txt',
    'app://kerbside/%252e%252e/secret.txt',
    'app://kerbside//etc/passwd',
    'app://kerbside/C:/Windows/win.ini',
    'app://kerbside/C%3A%5CWindows%5Cwin.ini',
    'app://kerbside/index.html%00.js',
    'app://kerbside/%E0%A4%A',
    'app://kerbside/link.txt',
    'app://kerbside.attacker/index.html',
    'app://other/index.html',
  ])('refuses %s with 400, 403 or 404 and never serves a file outside the root', async (url) => {
    const response = await get(url);
    const body = await response.text();
    expect([400, 403, 404]).toContain(response.status);
    expect(body).not.toContain('outside the renderer root');
    expect(body).not.toContain('root:x');
    expect(body).not.toContain('<!doctype html>');
  });

  it('classifies traversal as 403 before touching the file system', () => {
    expect(resolveAppPath('app://kerbside/..%2f..%2fetc%2fpasswd')).toMatchObject({
      kind: 'refused',
      status: 403,
    });
    expect(resolveAppPath('app://kerbside/a/b.js')).toEqual({ kind: 'file', segments: ['a', 'b.js'] });
  });

  it('answers only GET and HEAD', async () => {
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
    const head = await get(APP_ENTRY_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves the redacted stored profile at provisioning/profile.json, 404 when unprovisioned', async () => {
    profile = null;
    expect((await get('app://kerbside/provisioning/profile.json')).status).toBe(404);
    profile = JSON.stringify(redactProfile(profileWithSecrets()).profile);
    const response = await get('app://kerbside/provisioning/profile.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).not.toContain('bearer-secret');
    expect(text).toContain('vault:icbs/QT1/bearer-token');
  });

  it('registers app: as standard, secure, fetch and service workers, CORS off, CSP not bypassed', () => {
    expect(appSchemePrivileges).toMatchObject({
      scheme: 'app',
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        allowServiceWorkers: true,
        corsEnabled: false,
        bypassCSP: false,
      },
    });
  });
});

describe('Content-Security-Policy', () => {
  it('allows connect-src to exactly the provisioned ICB, token and dispatch origins', () => {
    const origins = provisionedConnectOrigins(redactProfile(profileWithSecrets()).profile);
    expect(origins).toEqual([
      'https://scr.trentside.example.nhs.uk',
      'https://fhir.derwent.example.nhs.uk',
      'https://auth.derwent.example.nhs.uk',
      'http://127.0.0.1:8103',
      'https://dispatch.rx9.example.nhs.uk',
    ]);
    const policy = parseContentSecurityPolicy(contentSecurityPolicy(origins));
    expect(policy.get('connect-src')).toEqual(["'self'", ...origins]);
  });

  it('is strict everywhere else, with no unsafe-inline or unsafe-eval', () => {
    const header = contentSecurityPolicy([]);
    const policy = parseContentSecurityPolicy(header);
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'worker-src': ["'self'"],
      'manifest-src': ["'self'"],
      'frame-src': ["'none'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'none'"],
    });
    expect(header).not.toMatch(/unsafe/);
  });

  it('refuses to put anything but an origin into the header', () => {
    expect(() => contentSecurityPolicy(["https://a.example; script-src 'unsafe-inline'"])).toThrow(
      /not an origin/,
    );
  });
});
