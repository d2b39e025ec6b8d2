// Runs `npm start` in browser mode as a child process on ephemeral ports and reads the URLs it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface RunningApp {
  readonly appUrl: string;
  readonly icbUrls: readonly string[];
  readonly dispatchUrl: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

export async function startApp(
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 150_000,
): Promise<RunningApp> {
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      KERBSIDE_MODE: 'browser',
      KERBSIDE_APP_PORT: '0',
      KERBSIDE_NORTH_PORT: '0',
      KERBSIDE_SOUTH_PORT: '0',
      KERBSIDE_WEST_PORT: '0',
      KERBSIDE_DISPATCH_PORT: '0',
      KERBSIDE_DEMO_PATIENTS: '300',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    const pid = child.pid;
    if (!running() || pid === undefined) return;
    const exited = once(child, 'exit');
    process.kill(-pid, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (running()) process.kill(-pid, 'SIGKILL');
  };

  const deadline = Date.now() + timeoutMs;
  while (!/^Ready in /m.test(output)) {
    if (!running()) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start was not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const appUrl = /App: (http:\/\/\S+)/.exec(output)?.[1];
  const dispatchUrl = /Dispatch: (http:\/\/\S+)/.exec(output)?.[1];
  const icbUrls = [...output.matchAll(/ICB \w+ .*?: (http:\/\/\S+)/g)].map((match) => match[1] ?? '');
  if (appUrl === undefined || dispatchUrl === undefined)
    throw new Error(`npm start printed no URLs:\n${output}`);
  return { appUrl, icbUrls, dispatchUrl, output: () => output, stop };
}
