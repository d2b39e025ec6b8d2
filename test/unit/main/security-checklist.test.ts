// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item by item, against
// the modules main/index.ts wires together.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  appSchemePrivileges,
  createAppProtocolHandler,
} from '../../../main/app-protocol';
import { contentSecurityPolicy, parseContentSecurityPolicy } from '../../../main/content-security-policy';
import { isAppSender } from '../../../main/ipc-handlers';
import { createKerbsideApi } from '../../../main/preload-api';
import {
  denyAllPermissions,
  hardenWebContents,
  refuseCertificateError,
  type GuardableContents,
  type NavigationEvent,
} from '../../../main/web-contents-policy';
import { isAllowedUrl, secureWindowOptions } from '../../../main/window-options';
import { parseProfile } from '../../../sync/provisioning-profile';
import { loadAfterPack, repositoryRoot } from './support/after-pack';
import { profileWithSecrets, temporaryDirectory } from './support/fake-electron';

const options = secureWindowOptions({ preloadPath: '/app/preload.cjs', kiosk: false, devTools: false });
const web = options.webPreferences ?? {};
const mainSources = readdirSync(join(repositoryRoot, 'main'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file, text: readFileSync(join(repositoryRoot, 'main', file), 'utf8') }));
const indexSource = readFileSync(join(repositoryRoot, 'main', 'index.ts'), 'utf8');

/** WebContents as its documented events reach listeners: a details object with url and preventDefault. */
class FakeContents implements GuardableContents {
  readonly listeners = new Map<string, ((event: NavigationEvent) => void)[]>();
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  on(event: string, listener: (details: NavigationEvent) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Emits like Electron and reports whether a listener called preventDefault(). */
  emit(event: string, url: string): boolean {
    let prevented = false;
    for (const listener of this.listeners.get(event) ?? [])
      listener({
        url,
        preventDefault: () => {
          prevented = true;
        },
      });
    return prevented;
  }
}

function hardened(allowed: readonly string[]): FakeContents {
  const contents = new FakeContents();
  hardenWebContents(contents, allowed);
  return contents;
}

describe('Electron security checklist', () => {
  it('1. only loads secure content: app:// is secure, profile endpoints must be https (http only on loopback)', () => {
    expect(appSchemePrivileges.privileges?.secure).toBe(true);
    expect(APP_ENTRY_URL).toBe('app://kerbside/');
    const profile = profileWithSecrets();
    profile.dispatch.fhirBaseUrl = 'http://dispatch.example.nhs.uk/fhir';
    expect(parseProfile(profile).ok).toBe(false);
  });

  it('2. does not enable Node.js integration in any renderer, worker or subframe', () => {
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('3. enables context isolation', () => {
    expect(web.contextIsolation).toBe(true);
  });

  it('4. enables the sandbox for the window and for every renderer', () => {
    expect(web.sandbox).toBe(true);
    expect(indexSource).toMatch(/app\.enableSandbox\(\)/);
  });

  it('5. denies every session permission request and check', () => {
    const captured: {
      request?: Parameters<Session['setPermissionRequestHandler']>[0];
      check?: Parameters<Session['setPermissionCheckHandler']>[0];
      device?: Parameters<Session['setDevicePermissionHandler']>[0];
    } = {};
    denyAllPermissions({
      setPermissionRequestHandler: (handler) => (captured.request = handler),
      setPermissionCheckHandler: (handler) => (captured.check = handler),
      setDevicePermissionHandler: (handler) => (captured.device = handler),
    });
    // Electron passes the requesting WebContents; the policy never looks at it.
    const contents = Object.create(null) as WebContents;
    const permissions = [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'hid',
      'serial',
      'usb',
      'fullscreen',
    ] as const;
    for (const permission of permissions) {
      const answers: boolean[] = [];
      captured.request?.(contents, permission, (granted: boolean) => answers.push(granted), {
        requestingUrl: APP_ENTRY_URL,
        isMainFrame: true,
      });
      expect(answers, permission).toEqual([false]);
      expect(
        captured.check?.(contents, permission, APP_ORIGIN, {
          isMainFrame: true,
          embeddingOrigin: APP_ORIGIN,
        }),
        permission,
      ).toBe(false);
    }
    expect(captured.device?.({ deviceType: 'usb', origin: APP_ORIGIN, device: {} as never })).toBe(false);
  });

  it('6. does not disable webSecurity', () => {
    expect(web.webSecurity).toBe(true);
  });

  it('7. defines a Content Security Policy on every app:// response', async () => {
    const dir = temporaryDirectory();
    try {
      const csp = contentSecurityPolicy([]);
      const handler = createAppProtocolHandler({
        rendererRoot: dir.path,
        contentSecurityPolicy: () => csp,
        profileJson: () => Promise.resolve(null),
      });
      const response = await handler(new Request(APP_ENTRY_URL));
      expect(response.headers.get('content-security-policy')).toBe(csp);
      const policy = parseContentSecurityPolicy(csp);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
    } finally {
      dir.remove();
    }
  });

  it('8. does not allow running insecure content', () => {
    expect(web.allowRunningInsecureContent).toBe(false);
  });

  it('9. does not enable experimental features', () => {
    expect(web.experimentalFeatures).toBe(false);
  });

  it('10. does not use enableBlinkFeatures', () => {
    expect(web.enableBlinkFeatures).toBeUndefined();
  });

  it('11. <webview>: the tag is disabled, so allowpopups cannot be used', () => {
    expect(web.webviewTag).toBe(false);
  });

  it('12. <webview>: attaching one is always prevented', () => {
    expect(hardened([APP_ORIGIN]).emit('will-attach-webview', 'https://example.com/')).toBe(true);
  });

  it('13. limits navigation to the allowed origin, compared exactly', () => {
    const contents = hardened(['https://ok.example.com']);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(contents.emit(event, 'https://ok.example.com/page'), event).toBe(false);
      for (const url of [
        'https://ok.example.com.attacker.test/',
        'https://ok.example.com@attacker.test/',
        'https://attacker.test/?https://ok.example.com',
        'http://ok.example.com/',
        'https://ok.example.com:8443/',
        'javascript:alert(1)',
        'data:text/html,hi',
        'file:///etc/passwd',
      ])
        expect(contents.emit(event, url), `${event} ${url}`).toBe(true);
    }
    expect(isAllowedUrl('app://kerbside/x', [APP_ORIGIN])).toBe(true);
    expect(isAllowedUrl('app://kerbside.evil/x', [APP_ORIGIN])).toBe(false);
    expect(isAllowedUrl('blob:app://kerbside/1', [APP_ORIGIN])).toBe(false);
  });

  it('14. denies the creation of every new window', () => {
    const contents = hardened([APP_ORIGIN]);
    expect(contents.openHandler?.({ url: 'https://attacker.test/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'app://kerbside/' })).toEqual({ action: 'deny' });
  });

  it('15. never uses shell.openExternal', () => {
    for (const { file, text } of mainSources) {
      expect(text, file).not.toMatch(/\.openExternal\(|import\s*\{[^}]*\bshell\b[^}]*\}\s*from 'electron'/);
    }
  });

  it('16. uses a current, supported Electron', () => {
    const pkg = JSON.parse(
      readFileSync(join(repositoryRoot, 'node_modules', 'electron', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(Number(pkg.version.split('.')[0])).toBeGreaterThanOrEqual(45);
  });

  it('17. validates the sender of every IPC message', () => {
    expect(isAppSender({ senderFrame: { url: 'app://kerbside/index.html' } })).toBe(true);
    expect(isAppSender({ senderFrame: { url: 'https://kerbside/' } })).toBe(false);
    expect(isAppSender({ senderFrame: { url: 'app://kerbside.attacker/' } })).toBe(false);
    expect(isAppSender({ senderFrame: null })).toBe(false);
  });

  it('18. avoids file://: the app is served from app:// and file:// gets no extra privileges', async () => {
    expect(indexSource).toMatch(/loadURL\(APP_ENTRY_URL\)/);
    for (const { file, text } of mainSources) expect(text, file).not.toMatch(/loadFile\(|'file:\/\//);
    const { kerbsideFuses } = await loadAfterPack();
    expect(kerbsideFuses['7']).toBe(false);
  });

  it('19. sets the fuses: no RunAsNode, NODE_OPTIONS or inspect; cookie encryption and asar integrity on', async () => {
    const { kerbsideFuses } = await loadAfterPack();
    expect(kerbsideFuses).toMatchObject({
      '0': false,
      '1': true,
      '2': false,
      '3': false,
      '4': true,
      '5': true,
      '7': false,
    });
  });

  it('20. exposes no Electron API to web content: the preload gives named functions only', () => {
    const api = createKerbsideApi({
      invoke: () => Promise.resolve(null),
      on: () => undefined,
      removeListener: () => undefined,
    });
    const values = Object.entries(api).filter(([key]) => key !== 'platform');
    expect(values.every(([, value]) => typeof value === 'function')).toBe(true);
    const preload = readFileSync(join(repositoryRoot, 'main', 'preload.ts'), 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\('kerbside', createKerbsideApi\(ipcRenderer\)\)/);
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
  });

  it('never overrides a certificate error', () => {
    const answers: boolean[] = [];
    let prevented = false;
    refuseCertificateError()(
      { preventDefault: () => (prevented = true) },
      {},
      'https://scr.example.nhs.uk/fhir',
      'net::ERR_CERT_AUTHORITY_INVALID',
      {},
      (trusted) => answers.push(trusted),
    );
    expect(answers).toEqual([false]);
    expect(prevented).toBe(false);
    expect(indexSource).toMatch(/app\.on\('certificate-error', refuseCertificateError\(log\)\)/);
  });

  it('protects window content from screen capture and holds the single-instance lock', () => {
    expect(indexSource).toMatch(/setContentProtection\(true\)/);
    expect(indexSource).toMatch(/requestSingleInstanceLock\(\)/);
  });

  it('kiosk mode opens full-screen without chrome; DevTools follow the build', () => {
    const kiosk = secureWindowOptions({ preloadPath: '/p', kiosk: true, devTools: false });
    expect(kiosk).toMatchObject({ kiosk: true, fullscreen: true, webPreferences: { devTools: false } });
    expect(options).toMatchObject({ kiosk: false, fullscreen: false });
  });
});
