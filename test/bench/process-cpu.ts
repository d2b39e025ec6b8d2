// CPU time of the Chromium a bench launched, by process role, from Linux's /proc: on a 2-core machine that
// the demo servers share, where the pre-cache's time goes between the page and workers (the renderer),
// IndexedDB's backend (the browser process) and the network service. Undefined where /proc is missing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ChromiumCpu {
  /** The browser process: IndexedDB's LevelDB backend, and the IPC of every request. */
  readonly browser: number;
  /** The renderer: the page and its workers (JavaScript, structured clone, WebCrypto). */
  readonly renderer: number;
  readonly network: number;
  readonly other: number;
}

interface ProcessInfo {
  readonly pid: number;
  readonly parent: number;
  readonly seconds: number;
  readonly commandLine: string;
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

function processes(ticks: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the command name (which may hold spaces): state is 3rd, ppid 4th, utime 14th, stime 15th.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      found.push({
        pid: Number(name),
        parent: Number(fields[1]),
        seconds: (Number(fields[11]) + Number(fields[12])) / ticks,
        commandLine,
      });
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

function roleOf(commandLine: string): keyof ChromiumCpu {
  if (!commandLine.includes('--type=')) return 'browser';
  if (commandLine.includes('--type=renderer')) return 'renderer';
  if (commandLine.includes('NetworkService')) return 'network';
  return 'other';
}

/** CPU seconds so far of the Chromium started with `userDataDir` and all its child processes. */
export function chromiumCpu(userDataDir: string): ChromiumCpu | undefined {
  let all: ProcessInfo[];
  try {
    all = processes(clockTicks());
  } catch {
    return undefined;
  }
  const root = all.find(
    (info) => info.commandLine.includes(userDataDir) && !info.commandLine.includes('--type='),
  );
  if (root === undefined) return undefined;
  const mine = new Set([root.pid]);
  // Children appear after their parents in pid order only usually: repeat until nothing is added.
  for (let added = true; added;) {
    added = false;
    for (const info of all) {
      if (!mine.has(info.pid) && mine.has(info.parent)) {
        mine.add(info.pid);
        added = true;
      }
    }
  }
  const totals = { browser: 0, renderer: 0, network: 0, other: 0 };
  for (const info of all) if (mine.has(info.pid)) totals[roleOf(info.commandLine)] += info.seconds;
  return totals;
}

/** `after - before`, role by role. */
export function cpuSince(
  before: ChromiumCpu | undefined,
  after: ChromiumCpu | undefined,
): ChromiumCpu | undefined {
  if (before === undefined || after === undefined) return undefined;
  return {
    browser: after.browser - before.browser,
    renderer: after.renderer - before.renderer,
    network: after.network - before.network,
    other: after.other - before.other,
  };
}
