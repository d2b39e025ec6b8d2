// Electron main process: wires Electron to the plain modules beside this file (which hold all the logic and
// are tested in Node). One-shot commands (--provision, --deprovision, --status) run without a window.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session } from 'electron';
import { autoUpdater } from 'electron-updater';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  appSchemePrivileges,
  createAppProtocolHandler,
} from './app-protocol';
import { createAppServices } from './app-services';
import { startAutoUpdates } from './auto-update';
import { ExitCode, parseCommandLine, runCliCommand } from './cli';
import { registerIpcHandlers, sendEvent } from './ipc-handlers';
import { managedProfilePath } from './provisioning';
import { denyAllPermissions, hardenWebContents, refuseCertificateError } from './web-contents-policy';
import { secureWindowOptions } from './window-options';

const log = (message: string) => {
  console.log(`kerbside: ${message}`);
};

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
app.enableSandbox();

const command = parseCommandLine(process.argv.slice(app.isPackaged ? 1 : 2), process.env);
const devUserData = process.env.KERBSIDE_USER_DATA_DIR;
if (!app.isPackaged && devUserData !== undefined && devUserData !== '') app.setPath('userData', devUserData);
const userDataDir = app.getPath('userData');
const appInfo = { version: app.getVersion(), platform: process.platform };

function runOneShot(oneShot: Exclude<typeof command, { kind: 'run' }>): void {
  // Take the lock first (so a running app is detected), then move Chromium's own files to a scratch folder, so
  // the user-data folder holds only Kerbside's files and `--deprovision` can remove all of it.
  const needsLock = oneShot.kind === 'provision' || oneShot.kind === 'deprovision';
  if (needsLock && !app.requestSingleInstanceLock()) {
    console.error('kerbside: Kerbside is running on this device; close it first.');
    app.exit(ExitCode.alreadyRunning);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'kerbside-cli-'));
  app.setPath('userData', scratch);
  app.setPath('sessionData', scratch);
  app.setPath('crashDumps', join(scratch, 'crashes'));
  void app.whenReady().then(async () => {
    const services = createAppServices({
      userDataDir,
      platform: process.platform,
      app: appInfo,
      safeStorage,
      session: null,
      role: () => 'it',
      relaunchIntoDeprovision: () => undefined,
    });
    const code = await runCliCommand(oneShot, {
      provisioning: services.provisioning,
      readFile: (path) => readFile(path, 'utf8'),
      app: appInfo,
      out: (text) => process.stdout.write(`${text}\n`),
      err: (text) => process.stderr.write(`${text}\n`),
    });
    rmSync(scratch, { recursive: true, force: true });
    app.exit(code);
  });
}

if (command.kind !== 'run') {
  runOneShot(command);
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  const services = createAppServices({
    userDataDir,
    platform: process.platform,
    app: appInfo,
    safeStorage,
    session: session.defaultSession,
    // PIN unlock is a separate issue; until then the OS login is the only gate, and it grants crew, never IT.
    role: () => 'crew',
    relaunchIntoDeprovision: () => {
      app.relaunch({ args: [...process.argv.slice(1), '--deprovision'] });
      app.exit(0);
    },
    onProfileChanged: (profile) => {
      if (window !== null) sendEvent(window.webContents, 'provisioning:changed', profile);
      // The CSP follows the profile, so the page reloads under the new connect-src.
      window?.webContents.reload();
    },
    onPurgeRequested: (request) => {
      if (window !== null) sendEvent(window.webContents, 'database:purge-requested', request);
    },
  });

  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, [APP_ORIGIN], log);
  });
  app.on('certificate-error', refuseCertificateError(log));
  app.on('window-all-closed', () => {
    app.quit();
  });

  void app.whenReady().then(async () => {
    denyAllPermissions(session.defaultSession, log);
    const managed = await services.provisioning.applyManaged(
      command.managedProfilePath ?? managedProfilePath(process.platform, process.env),
    );
    if (managed.kind === 'invalid')
      log(
        `managed profile ${managed.path} not applied:\n${managed.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      );
    const stored = await services.refresh();

    protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({
        rendererRoot: join(app.getAppPath(), 'dist-renderer'),
        contentSecurityPolicy: () => services.contentSecurityPolicy(),
        profileJson: () => services.profileJson(),
      }),
    );
    registerIpcHandlers(ipcMain, services.ipc, log);

    window = new BrowserWindow(
      secureWindowOptions({
        preloadPath: join(__dirname, 'preload.cjs'),
        kiosk: command.kiosk,
        devTools: !app.isPackaged,
      }),
    );
    window.setContentProtection(true);
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => {
      window = null;
    });
    const target = window.webContents;
    startAutoUpdates({
      updater: autoUpdater,
      feedUrl: app.isPackaged ? (stored?.profile.updates?.feedUrl ?? null) : null,
      emit: (status) => {
        if (!target.isDestroyed()) sendEvent(target, 'updates:status', status);
      },
      log,
    });
    await window.loadURL(APP_ENTRY_URL);
  });
}
