// Runs the benchmarks: `npm run bench` runs all, `npm run bench -- --server|--precache|--crew-app|--outbox|--projection [--patients N]` one of them (for --outbox, N is the number of notes).
// Re-executes itself with a larger V8 heap, since a 100,000-patient area holds about a million resources.
import { spawnSync } from 'node:child_process';
import type { BenchRow } from './bench-table';
import { printTable } from './bench-table';

interface BenchOptions {
  readonly patients: number | undefined;
}

interface RegisteredBench {
  readonly title: string;
  readonly run: (options: BenchOptions) => Promise<BenchRow[]>;
}

/** Every benchmark, by its command-line flag. Adding one is one entry here. */
const benches: Readonly<Record<string, RegisteredBench>> = {
  precache: {
    title: 'Area pre-cache in headless Chromium (sync/pull + sync/store)',
    run: async ({ patients }) =>
      (await import('./precache-bench')).runPrecacheBench({ patients: patients ?? 10_000 }),
  },
  'crew-app': {
    title: 'Crew app in Chromium (npm start browser mode): cold start and click to painted summary, offline',
    run: async ({ patients }) =>
      (await import('./crew-app-bench')).runCrewAppBench({ patients: patients ?? 10_000 }),
  },
  outbox: {
    title: 'Outbox: finalised notes drained to a loopback demo ICB server (sync/outbox)',
    run: async ({ patients }) => (await import('./outbox-bench')).runOutboxBench({ notes: patients ?? 1000 }),
  },
  projection: {
    title: 'Summary projection (sync/projection), Node',
    run: async () => (await import('./projection-bench')).runProjectionBench(),
  },
  server: {
    title: 'Demo FHIR server (demo/fhir-server)',
    run: async ({ patients }) =>
      (await import('./server-bench')).runServerBench({ patients: patients ?? 100_000 }),
  },
};

const HEAP_MB = 12_288;

function parseArguments(argv: readonly string[]): { selected: string[]; options: BenchOptions } {
  const selected: string[] = [];
  let patients: number | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '--patients') {
      patients = Number(argv[++index]);
      if (!Number.isInteger(patients) || patients <= 0) {
        throw new Error('--patients takes a positive integer');
      }
    } else if (argument.startsWith('--') && argument.slice(2) in benches) {
      selected.push(argument.slice(2));
    } else {
      throw new Error(
        `Unknown argument ${argument}; known: ${Object.keys(benches)
          .map((name) => `--${name}`)
          .join(' ')} --patients N`,
      );
    }
  }
  return { selected: selected.length > 0 ? selected : Object.keys(benches), options: { patients } };
}

async function main(): Promise<void> {
  const nodeOptions = process.env.NODE_OPTIONS ?? '';
  if (!nodeOptions.includes('--max-old-space-size')) {
    const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: `${nodeOptions} --max-old-space-size=${HEAP_MB}`.trim() },
    });
    process.exitCode = result.status ?? 1;
    return;
  }
  const { selected, options } = parseArguments(process.argv.slice(2));
  for (const name of selected) {
    const bench = benches[name];
    if (bench) {
      printTable(await bench.run(options), bench.title);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
