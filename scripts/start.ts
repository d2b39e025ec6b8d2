// `npm start`: the demo world in-process, then Electron when its binary is present, else the app on localhost.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { startDemoWorld } from '../demo/demo-world';
import { demoPreArrivals, sendPreArrival } from '../demo/dispatch';
import { findElectronBinary } from './electron-binary';
import { buildRenderer, serveRenderer } from './serve-renderer';
import { parseStartOptions } from './start-options';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const parsed = parseStartOptions(process.env);
  if (!parsed.ok) {
    console.error(`npm start: invalid configuration\n  ${parsed.errors.join('\n  ')}`);
    process.exitCode = 2;
    return;
  }
  const options = parsed.options;
  const electron =
    options.KERBSIDE_MODE === 'browser'
      ? undefined
      : findElectronBinary(join(root, 'node_modules', 'electron'), process.env);
  if (options.KERBSIDE_MODE === 'electron' && electron === undefined) {
    console.error(
      'npm start: KERBSIDE_MODE=electron but the Electron binary is not installed (run `npx install-electron`).',
    );
    process.exitCode = 2;
    return;
  }

  const started = Date.now();
  console.log(
    `Starting the demo world: ${options.KERBSIDE_DEMO_PATIENTS} synthetic patients, seed ${options.KERBSIDE_DEMO_SEED}…`,
  );
  const world = await startDemoWorld({
    patients: options.KERBSIDE_DEMO_PATIENTS,
    seed: options.KERBSIDE_DEMO_SEED,
    host: options.KERBSIDE_HOST,
    history: options.KERBSIDE_DEMO_HISTORY,
    ports: {
      north: options.KERBSIDE_NORTH_PORT,
      south: options.KERBSIDE_SOUTH_PORT,
      west: options.KERBSIDE_WEST_PORT,
      dispatch: options.KERBSIDE_DISPATCH_PORT,
    },
  });
  const profile = options.KERBSIDE_PROFILE === 'crew' ? world.profiles.crew : world.profiles.controlRoom;
  for (const { icb, server } of world.icbs) {
    console.log(`  ICB ${icb.odsCode} ${icb.name}: ${server.baseUrl} (${server.count('Patient')} patients)`);
  }
  console.log(`  Dispatch: ${world.dispatch.baseUrl}`);
  if (options.KERBSIDE_DEMO_PRE_ARRIVALS) {
    // What a control room would send the demo vehicle: one patient in its area, one from outside it.
    const callsign = world.profiles.crew.device.callsign;
    for (const request of demoPreArrivals(world.population, callsign, new Date())) {
      await sendPreArrival(world.dispatch.baseUrl, request);
      console.log(
        `  Pre-arrival request for ${callsign}: incident ${request.incidentNumber} (${request.priority ?? 'urgent'})`,
      );
    }
  }

  await buildRenderer();
  const renderer = await serveRenderer({
    host: options.KERBSIDE_HOST,
    port: options.KERBSIDE_APP_PORT,
    profile,
  });
  console.log(`  App: ${renderer.url}`);
  console.log(
    `Ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${options.KERBSIDE_PROFILE} profile, device ${profile.device.callsign}).`,
  );

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([renderer.close(), world.close()]);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  if (electron === undefined) {
    console.log('Electron binary not present: open the App URL above in a browser. Ctrl+C stops.');
    return;
  }
  await build({ configFile: join(root, 'vite.main.config.ts'), logLevel: 'warn' });
  // Electron serves dist-renderer/ itself from app://kerbside/; it is provisioned with the demo profile as if by
  // MDM, in a throwaway user-data folder so a developer's machine keeps no demo state.
  const electronDir = mkdtempSync(join(tmpdir(), 'kerbside-electron-'));
  const profileFile = join(electronDir, 'profile.json');
  writeFileSync(profileFile, JSON.stringify(profile, null, 2));
  console.log(`Launching Electron (${electron})…`);
  const child = spawn(electron, [root, '--managed-profile', profileFile], {
    stdio: 'inherit',
    env: { ...process.env, KERBSIDE_USER_DATA_DIR: join(electronDir, 'user-data') },
  });
  child.on('exit', (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  console.error('npm start failed:', error);
  process.exit(1);
});
