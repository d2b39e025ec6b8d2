// `npm run gen -- --patients 100000 [--seed 1] [--out DIR]`: streams the synthetic population to NDJSON,
// one file per ICB per resource type (DIR/<icb>/<ResourceType>.ndjson), and prints what it wrote.
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  iteratePopulation,
  MAX_PATIENTS,
  MIN_PATIENTS,
  populationDirectory,
  resolveOptions,
} from '../demo/population/index';
import type { PopulationOptions } from '../demo/population/index';
import type { Resource } from '@medplum/fhirtypes';

const USAGE = `Usage: npm run gen -- --patients N [--seed S] [--out DIR] [--reference-date YYYY-MM-DD]
  --patients        how many people, ${MIN_PATIENTS} to ${MAX_PATIENTS} (required)
  --seed            integer seed, 0 to 4294967295 (default 1)
  --out             output directory (default .kerbside-data/population)
  --reference-date  the "today" of the data (default 2026-11-01)`;

class UsageError extends Error {}

interface Arguments {
  readonly options: PopulationOptions;
  readonly out: string;
}

function parseInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

function parseArguments(argv: readonly string[]): Arguments {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    if (flag === '--help' || flag === '-h') throw new UsageError('');
    const [name, inline] = flag.split('=', 2);
    if (name === undefined || !['--patients', '--seed', '--out', '--reference-date'].includes(name)) {
      throw new UsageError(`Unknown argument "${flag}"`);
    }
    const value = inline ?? argv[++index];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} given twice`);
    values.set(name, value);
  }
  const patientsText = values.get('--patients');
  if (patientsText === undefined) throw new UsageError('--patients is required');
  const referenceDate = values.get('--reference-date');
  const options: PopulationOptions = {
    patients: parseInteger('--patients', patientsText),
    seed: parseInteger('--seed', values.get('--seed') ?? '1'),
    ...(referenceDate === undefined ? {} : { referenceDate }),
  };
  try {
    resolveOptions(options);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  return { options, out: resolve(values.get('--out') ?? '.kerbside-data/population') };
}

/** Buffers NDJSON lines per file and writes them in large chunks, so memory stays flat. */
class NdjsonWriter {
  private readonly files = new Map<string, { descriptor: number; buffer: string[]; size: number }>();
  bytes = 0;

  constructor(private readonly directory: string) {}

  write(icb: string, resource: Resource): void {
    const path = join(this.directory, icb, `${resource.resourceType}.ndjson`);
    let file = this.files.get(path);
    if (file === undefined) {
      file = { descriptor: openSync(path, 'w'), buffer: [], size: 0 };
      this.files.set(path, file);
    }
    const line = `${JSON.stringify(resource)}\n`;
    file.buffer.push(line);
    file.size += line.length;
    if (file.size > 1 << 20) this.flush(file);
  }

  private flush(file: { descriptor: number; buffer: string[]; size: number }): void {
    const chunk = Buffer.from(file.buffer.join(''), 'utf8');
    writeSync(file.descriptor, chunk);
    this.bytes += chunk.length;
    file.buffer = [];
    file.size = 0;
  }

  close(): void {
    for (const file of this.files.values()) {
      this.flush(file);
      closeSync(file.descriptor);
    }
  }
}

function prepareDirectory(out: string, icbs: readonly string[]): void {
  for (const icb of icbs) {
    const directory = join(out, icb);
    mkdirSync(directory, { recursive: true });
    // Only our own output goes: stale NDJSON from an earlier run with other resource types.
    for (const name of readdirSync(directory)) if (name.endsWith('.ndjson')) rmSync(join(directory, name));
  }
}

function main(): void {
  const { options, out } = parseArguments(process.argv.slice(2));
  const started = performance.now();
  const directory = populationDirectory(options);
  const icbs = Object.keys(directory);
  prepareDirectory(out, icbs);
  const writer = new NdjsonWriter(out);
  const perIcb = new Map<string, { patients: number; resources: number }>(
    icbs.map((icb) => [icb, { patients: 0, resources: 0 }]),
  );
  let resources = 0;
  let records = 0;
  for (const [icb, list] of Object.entries(directory)) {
    for (const resource of list) writer.write(icb, resource);
    const counts = perIcb.get(icb);
    if (counts !== undefined) counts.resources += list.length;
    resources += list.length;
  }
  for (const record of iteratePopulation(options)) {
    for (const resource of record.resources) writer.write(record.icb, resource);
    const counts = perIcb.get(record.icb);
    if (counts !== undefined) {
      counts.patients++;
      counts.resources += record.resources.length;
    }
    resources += record.resources.length;
    records++;
  }
  writer.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(`Wrote ${out}`);
  console.log(`patients: ${options.patients} (${records} patient records; some people are in two ICBs)`);
  console.log(`resources: ${resources}`);
  console.log(`bytes: ${writer.bytes} (${(writer.bytes / 1024 / 1024).toFixed(1)} MiB)`);
  console.log(`seconds: ${seconds.toFixed(2)}`);
  for (const [icb, counts] of perIcb)
    console.log(`  ${icb}: ${counts.patients} patient records, ${counts.resources} resources`);
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError) {
    if (error.message !== '') console.error(`Error: ${error.message}\n`);
    console.error(USAGE);
    process.exitCode = error.message === '' ? 0 : 2;
  } else {
    throw error;
  }
}
