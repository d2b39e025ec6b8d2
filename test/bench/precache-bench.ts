// Pre-cache benchmark in headless Chromium: the real engine and encrypted store on Chromium's IndexedDB,
// pulling a synthetic area from the loopback demo ICB servers; beside it, in the same run, two floors (a
// plain Dexie bulkPut of the store's own final rows, and of the final records as plain objects, as the
// issue's calibration measured) and an incremental run with 1% of patients changed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import type { CDPSession } from 'playwright-core';
import { startDemoWorld } from '../../demo/demo-world';
import type { BenchRow } from './bench-table';
import type { CalibrationResult, FloorResult, PlainFloorResult, PrecacheResult } from './browser/bench-page';
import { openBenchPage } from './browser/harness';
import { chromiumCpu, cpuSince } from './process-cpu';
import type { ChromiumCpu } from './process-cpu';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface ProfileNodes {
  readonly nodes: ProfileNode[];
  readonly samples?: number[];
  readonly timeDeltas?: number[];
}

/**
 * Prints the functions with the most self time over the page and the workers (KERBSIDE_BENCH_PROFILE_TOP of
 * them, default 25); KERBSIDE_BENCH_PROFILE_DIR also saves each thread's profile for DevTools.
 */
function printProfile(profiles: readonly ProfileNodes[]): void {
  const directory = process.env.KERBSIDE_BENCH_PROFILE_DIR;
  if (directory !== undefined) {
    mkdirSync(directory, { recursive: true });
    profiles.forEach((profile, index) => {
      writeFileSync(join(directory, `thread-${index}.cpuprofile`), JSON.stringify(profile));
    });
  }
  const byName = new Map<string, number>();
  for (const profile of profiles) {
    const self = new Map<number, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (deltas[index] ?? 0)));
    for (const node of profile.nodes) {
      const file = node.callFrame.url.split('/').pop() ?? '';
      const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber}`;
      byName.set(name, (byName.get(name) ?? 0) + (self.get(node.id) ?? 0));
    }
  }
  const total = [...byName.values()].reduce((sum, value) => sum + value, 0);
  const top = Number(process.env.KERBSIDE_BENCH_PROFILE_TOP ?? 25);
  for (const [name, micros] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
}

interface SamplingNode {
  readonly callFrame: ProfileNode['callFrame'];
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/** Prints the 15 allocation stacks holding the most live sampled memory (for finding what the heap keeps). */
function printHeapProfile(profile: { head: SamplingNode }): void {
  const byStack = new Map<string, number>();
  const visit = (node: SamplingNode, path: string[]): void => {
    const file = node.callFrame.url.split('/').pop() ?? '';
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber}`;
    const here = [frame, ...path].slice(0, 4);
    if (node.selfSize > 0)
      byStack.set(here.join(' < '), (byStack.get(here.join(' < ')) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child, here);
  };
  visit(profile.head, []);
  for (const [stack, bytes] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`${(bytes / 1024 / 1024).toFixed(0).padStart(6)} MB  ${stack}`);
}

/**
 * Attaches to the page's workers through the page's CDP session (Playwright opens sessions only for pages)
 * and reads their heaps with Runtime.getHeapUsage, relayed by Target.sendMessageToTarget.
 */
async function attachWorkers(cdp: CDPSession): Promise<{
  heapUsed(): Promise<number>;
  /** CPU-profiles the workers, those attached now and later (until stopProfiles). */
  startProfiles(): void;
  stopProfiles(): Promise<ProfileNodes[]>;
}> {
  let profiling = false;
  const sessions = new Set<string>();
  const profiled = new Set<string>();
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 0;
  const call = (sessionId: string, method: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => {
          pending.delete(id);
          resolve(undefined);
        });
    });
  cdp.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type !== 'worker') return;
    sessions.add(event.sessionId);
    if (profiling) {
      profiled.add(event.sessionId);
      void call(event.sessionId, 'Profiler.enable').then(() => call(event.sessionId, 'Profiler.start'));
    }
  });
  cdp.on('Target.detachedFromTarget', (event) => {
    sessions.delete(event.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const reply = JSON.parse(event.message) as { id?: number; result?: unknown };
    if (reply.id === undefined) return;
    pending.get(reply.id)?.(reply.result);
    pending.delete(reply.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return {
    heapUsed: async () => {
      const used = await Promise.all(
        [...sessions].map(async (sessionId) => {
          const result = (await call(sessionId, 'Runtime.getHeapUsage')) as { usedSize?: number } | undefined;
          return result?.usedSize ?? 0;
        }),
      );
      return used.reduce((sum, value) => sum + value, 0);
    },
    startProfiles: () => {
      profiling = true;
      for (const sessionId of sessions) {
        profiled.add(sessionId);
        void call(sessionId, 'Profiler.enable').then(() => call(sessionId, 'Profiler.start'));
      }
    },
    // Workers that already ended took their profiles with them; the bench stops them before they end.
    stopProfiles: async () => {
      profiling = false;
      const ids = [...profiled].filter((id) => sessions.has(id));
      profiled.clear();
      const results = await Promise.all(ids.map((id) => call(id, 'Profiler.stop')));
      return results
        .map((result) => (result as { profile?: ProfileNodes } | undefined)?.profile)
        .filter((profile): profile is ProfileNodes => profile !== undefined);
    },
  };
}

/** Idle time before the second search measurement. */
const SETTLE_MS = 20_000;

/** Chromium's CPU in a phase by process (Linux only: no row elsewhere). */
/** The machine's cores: what "of N core-seconds" counts. */
const CORES = availableParallelism();

function chromiumRow(name: string, cpu: ChromiumCpu | undefined, ms: number): BenchRow[] {
  if (cpu === undefined) return [];
  const total = cpu.browser + cpu.renderer + cpu.network + cpu.other;
  return [
    {
      name,
      value: total,
      unit: 's',
      note: `of ${((CORES * ms) / 1000).toFixed(0)} core-s: page + workers ${cpu.renderer.toFixed(1)}, IndexedDB (browser process) ${cpu.browser.toFixed(1)}, network ${cpu.network.toFixed(1)}`,
    },
  ];
}

/**
 * What the 2x-floor target leaves for the page and sync workers: the machine's core-seconds in twice the
 * floor's time, less what the pre-cache's IndexedDB (browser process), network service and the demo servers
 * (on the same cores) used. Beside what the page and workers did use, it says whether the target can be
 * reached by making them faster at all.
 */
function twiceFloorBudgetRow(
  floorMs: number,
  cpu: ChromiumCpu | undefined,
  serverSeconds: number,
): BenchRow[] {
  if (cpu === undefined) return [];
  const machine = ((2 * floorMs) / 1000) * CORES;
  const others = cpu.browser + cpu.network + cpu.other + serverSeconds;
  return [
    {
      name: '2x floor: CPU left for page + workers',
      value: machine - others,
      unit: 's',
      note: `${machine.toFixed(0)} core-s in twice the floor's time, less ${others.toFixed(1)} of the pre-cache's IndexedDB, network and demo servers; page + workers used ${cpu.renderer.toFixed(1)}`,
    },
  ];
}

const megabytes = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * The issue's own calibration of the machine, first and in a browser of its own (a fresh profile, closed
 * afterwards), so that nothing else is running or left to compact: gives the time target its scale.
 */
async function calibrate(): Promise<CalibrationResult> {
  const bench = await openBenchPage();
  try {
    return await bench.page.evaluate(() => window.kerbsideBench.calibration('kerbside-calibration'));
  } finally {
    await bench.close();
  }
}

export async function runPrecacheBench(options: { readonly patients: number }): Promise<BenchRow[]> {
  const calibration = await calibrate();
  const worldStarted = performance.now();
  const world = await startDemoWorld({ patients: options.patients, seed: 1 });
  const worldMs = performance.now() - worldStarted;
  const bench = await openBenchPage();
  const { page, context } = bench;
  const rows: BenchRow[] = [];
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // KERBSIDE_BENCH_PROFILE=1 profiles the first pre-cache, =incremental the incremental run.
    const profileWhich = process.env.KERBSIDE_BENCH_PROFILE;
    const profiling = profileWhich === '1';
    const profilingIncremental = profileWhich === 'incremental';
    const workers = await attachWorkers(cdp);
    let peakHeap = 0;
    // The page's heap plus every sync worker's, sampled together.
    const sampler = setInterval(
      () => {
        Promise.all([
          cdp
            .send('Performance.getMetrics')
            .then(({ metrics }) => metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0),
          workers.heapUsed(),
        ]).then(
          ([pageHeap, workerHeap]) => {
            peakHeap = Math.max(peakHeap, pageHeap + workerHeap);
          },
          () => undefined,
        );
      },
      Number(process.env.KERBSIDE_SAMPLE_MS ?? 200),
    );
    const key = Array.from({ length: 32 }, (_, index) => (index * 13 + 5) & 0xff);
    const name = 'kerbside-bench';
    await cdp.send('Profiler.enable');
    if (profiling) {
      await cdp.send('Profiler.start');
      workers.startProfiles();
    }
    // KERBSIDE_BENCH_HEAP=<MB>: when the heap first passes that size, print where the live memory was allocated.
    const heapProbeMb = Number(process.env.KERBSIDE_BENCH_HEAP ?? 0);
    let heapProbe: Promise<void> | undefined;
    if (heapProbeMb > 0) {
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.startSampling', { samplingInterval: 65_536 });
      const probe = setInterval(() => {
        if (heapProbe !== undefined || peakHeap < heapProbeMb * 1024 * 1024) return;
        clearInterval(probe);
        heapProbe = cdp.send('HeapProfiler.getSamplingProfile').then(({ profile }) => {
          printHeapProfile(profile);
        });
      }, 200);
    }
    // The demo servers run in this process: their CPU during the pre-cache is the outside world's share of
    // the machine's two cores (a real Shared Care Record runs elsewhere).
    const serverCpuBefore = process.cpuUsage();
    const chromiumBefore = chromiumCpu(bench.userDataDir);
    const first = await page.evaluate(
      ([dbName, keyBytes, profile]) => window.kerbsideBench.precache(dbName, keyBytes, profile),
      [name, key, world.profiles.crew] as const,
    );
    const serverCpu = process.cpuUsage(serverCpuBefore);
    const chromiumFirst = cpuSince(chromiumBefore, chromiumCpu(bench.userDataDir));
    const heapFirst = peakHeap;
    await heapProbe;
    if (profiling) {
      printProfile([(await cdp.send('Profiler.stop')).profile, ...(await workers.stopProfiles())]);
    }
    // 1% of the cached patients change on their servers (a new telephone number), then an incremental run.
    const changed = Math.max(1, Math.round(first.patients / 100));
    const north = world.icbs[0];
    if (north === undefined) throw new Error('no ICB');
    const patients = world.population.records[north.icb.key].filter(
      (resource): resource is Patient => resource.resourceType === 'Patient',
    );
    for (const patient of patients.slice(0, changed)) {
      await fetch(`${north.server.baseUrl}/Patient/${patient.id ?? ''}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          ...patient,
          telecom: [{ system: 'phone', value: '07700 900999', use: 'mobile' }],
        }),
      });
    }
    peakHeap = 0;
    if (profilingIncremental) {
      await cdp.send('Profiler.start');
      workers.startProfiles();
    }
    const incremental: PrecacheResult = await page.evaluate(
      ([dbName, keyBytes, profile]) => window.kerbsideBench.precache(dbName, keyBytes, profile),
      [name, key, world.profiles.crew] as const,
    );
    if (profilingIncremental) {
      printProfile([(await cdp.send('Profiler.stop')).profile, ...(await workers.stopProfiles())]);
    }
    clearInterval(sampler);
    await page.evaluate(() => {
      window.kerbsideBench.stopSync();
    });

    // Search and open latencies over the cached area, with queries taken from cached patients.
    const cachedPatients = Object.values(world.population.records)
      .flat()
      .filter((resource): resource is Patient => resource.resourceType === 'Patient')
      .filter((patient) =>
        patient.address?.some((address) =>
          world.profiles.crew.area.postcodeDistricts.some((district) =>
            address.postalCode?.startsWith(`${district} `),
          ),
        ),
      )
      .slice(0, 200);
    const queries = {
      'nhs-number': cachedPatients.map((patient) => patient.identifier?.[0]?.value ?? ''),
      name: cachedPatients.map(
        (patient) => `${patient.name?.[0]?.given?.[0] ?? ''} ${patient.name?.[0]?.family ?? ''}`,
      ),
      'name + DOB': cachedPatients.map(
        (patient) => `${patient.name?.[0]?.family ?? ''} ${patient.birthDate ?? ''}`,
      ),
      postcode: cachedPatients.map((patient) => patient.address?.[0]?.postalCode ?? ''),
    };
    const measureLatency = async (inMemory = false) =>
      page.evaluate(
        ([dbName, keyBytes, searches, memory]) =>
          window.kerbsideBench.latencies(dbName, keyBytes, searches, memory),
        [name, key, queries, inMemory] as const,
      );
    // Straight after the syncs (name postings in one segment per commit, and Chromium perhaps still
    // compacting what they wrote); then after the postings are merged into one segment (as the store does
    // every 128 commits) and the browser has had some idle time, as before a crew's first search of a shift.
    const latencyBusy = (await measureLatency()).results;
    const compactMs = await page.evaluate(
      ([dbName, keyBytes]) => window.kerbsideBench.compact(dbName, keyBytes),
      [name, key] as const,
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const latency = (await measureLatency()).results;
    // The app's page keeps the rows in memory once start-up is over and no sync is writing.
    const inMemory = await measureLatency(true);
    // Measured last: the floor writes a second copy, whose compaction would slow everything after it.
    const chromiumBeforeFloor = chromiumCpu(bench.userDataDir);
    const floor: FloorResult = await page.evaluate(
      ([dbName, keyBytes]) => window.kerbsideBench.floor(dbName, keyBytes),
      [name, key] as const,
    );
    const chromiumFloor = cpuSince(chromiumBeforeFloor, chromiumCpu(bench.userDataDir));
    // After the floor, whose disk use its copy's deletion would have disturbed.
    const plain: PlainFloorResult = await page.evaluate(
      ([dbName, keyBytes]) => window.kerbsideBench.plainFloor(dbName, keyBytes),
      [name, key] as const,
    );
    const speed = calibration.ms / calibration.issueMs;
    const serverSeconds = (serverCpu.user + serverCpu.system) / 1e6;

    const label = `${options.patients.toLocaleString('en-GB')}-patient population`;
    rows.push(
      { name: 'demo world start (generate + load)', value: worldMs / 1000, unit: 's', note: label },
      {
        name: 'pre-cache: patients cached',
        value: first.patients,
        unit: 'patients',
        note: JSON.stringify(first.outcomes),
      },
      { name: 'pre-cache: time', value: first.ms / 1000, unit: 's', note: 'bulk export, 3 ICBs in parallel' },
      { name: 'pre-cache: rate', value: first.patients / (first.ms / 1000), unit: 'patients/s' },
      {
        name: 'pre-cache: last ICB done',
        value: Math.max(0, ...Object.values(first.icbs).map((icb) => icb.doneMs)) / 1000,
        unit: 's',
        note: Object.entries(first.icbs)
          .sort(([, a], [, b]) => a.doneMs - b.doneMs)
          .map(
            ([icb, run]) =>
              `${icb} ${run.patients.toLocaleString('en-GB')} at ${(run.doneMs / 1000).toFixed(1)} s`,
          )
          .join(', '),
      },
      {
        name: 'pre-cache: demo servers CPU',
        value: serverSeconds,
        unit: 's',
        note: `of ${((CORES * first.ms) / 1000).toFixed(0)} core-seconds; the bench's Node process (servers, Playwright)`,
      },
      ...chromiumRow('pre-cache: Chromium CPU', chromiumFirst, first.ms),
      {
        name: 'pre-cache: peak JS heap',
        value: megabytes(heapFirst),
        unit: 'MB',
        note: 'page + sync workers, sampled 5/s',
      },
      {
        name: 'floor: Dexie bulkPut of the same rows',
        value: floor.ms / 1000,
        unit: 's',
        note: `${floor.rows} rows, batches of 1,000`,
      },
      ...chromiumRow('floor: Chromium CPU', chromiumFloor, floor.ms),
      { name: 'pre-cache / floor', value: first.ms / floor.ms, unit: 'x' },
      ...twiceFloorBudgetRow(floor.ms, chromiumFirst, serverSeconds),
      {
        name: 'plain floor: Dexie bulkPut of the records',
        value: plain.ms / 1000,
        unit: 's',
        note: `${plain.rows} plain records (FHIR resources), primary key only, batches of 1,000`,
      },
      { name: 'pre-cache / plain floor', value: first.ms / plain.ms, unit: 'x' },
      {
        name: "calibration: the issue's plain bulkPut",
        value: calibration.ms / 1000,
        unit: 's',
        note: `${calibration.records.toLocaleString('en-GB')} records of ${calibration.bytesPerRecord.toLocaleString('en-GB')} B, batches of 1,000; the issue's machine took ${calibration.issueMs / 1000} s (this one ${speed.toFixed(2)}x that now)`,
      },
      {
        name: "pre-cache time at the issue's calibration",
        value: first.ms / speed / 1000,
        unit: 's',
        note: `pre-cache time / ${speed.toFixed(2)}; per 100,000 patients ${((first.ms / speed / Math.max(1, first.patients)) * 100).toFixed(1)} s`,
      },
      {
        name: 'disk per patient (encrypted store)',
        value: Math.round(floor.usageBytes / Math.max(1, floor.rows)),
        unit: 'bytes',
        note: 'navigator.storage.estimate delta of the floor copy',
      },
      {
        name: 'plain JSON per patient',
        value: Math.round(plain.jsonBytes / Math.max(1, first.patients)),
        unit: 'bytes',
        note: 'raw FHIR + summary, uncompressed',
      },
      {
        name: 'incremental: 1% changed',
        value: incremental.ms / 1000,
        unit: 's',
        note: `${changed} patients changed`,
      },
      { name: 'incremental: peak JS heap', value: megabytes(peakHeap), unit: 'MB' },
      {
        name: 'postings compaction',
        value: compactMs / 1000,
        unit: 's',
        note: 'every commit segment merged into one; the store does it every 128 commits',
      },
      ...latency.flatMap((result) => {
        const busy = latencyBusy.find((entry) => entry.kind === result.kind);
        return [
          {
            name: `${result.kind}: p50`,
            value: result.p50,
            unit: 'ms',
            note: `${result.samples} searches, ${result.hits} with hits${result.tooBroad ? `, ${result.tooBroad} "type more"` : ''}; after compaction and ${SETTLE_MS / 1000} s idle`,
          },
          {
            name: `${result.kind}: p95`,
            value: result.p95,
            unit: 'ms',
            note:
              busy === undefined
                ? undefined
                : `straight after the syncs: p50 ${busy.p50.toFixed(1)} / p95 ${busy.p95.toFixed(1)} ms`,
          },
        ];
      }),
      {
        name: 'search rows in memory: load',
        value: inMemory.mirror?.ms ?? Number.NaN,
        unit: 'ms',
        note: `${String(inMemory.mirror?.rows ?? 0)} rows, page JS heap +${megabytes(inMemory.mirror?.heapBytes ?? 0)} MB`,
      },
      ...inMemory.results
        .filter((result) => result.kind !== 'open summary')
        .map((result) => ({
          name: `${result.kind}, rows in memory: p95`,
          value: result.p95,
          unit: 'ms',
          note: `p50 ${result.p50.toFixed(1)} ms; ${result.hits} with hits`,
        })),
    );
  } finally {
    await bench.close();
    await world.close();
  }
  return rows;
}
