// Benchmark of the demo FHIR server at area scale: seeding, Bulk Data export of a cohort Group,
// NDJSON download, `_history` and cohort paging, and patient-index search latency, over real HTTP.
import type { Bundle, Group, Resource } from '@medplum/fhirtypes';
import { startDemoFhirServer } from '../../demo/fhir-server/index';
import { generatePopulation } from '../../demo/population/index';
import { demoIcbs } from '../../demo/world';
import type { BenchRow } from './bench-table';

const MEMBER_FILTER = 'http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter';

async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

function nextLink(body: unknown): string | undefined {
  return (body as Bundle | undefined)?.link?.find((link) => link.relation === 'next')?.url;
}

/** Downloads a body chunk by chunk, keeping nothing (as a client writing to its own store would). */
async function drainedBytes(url: string, acceptEncoding: string): Promise<number> {
  const response = await fetch(url, { headers: { 'Accept-Encoding': acceptEncoding } });
  let bytes = 0;
  const reader = response.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    bytes += chunk.value.byteLength;
  }
  return bytes;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

/** Median of repeated timings (ms). */
async function medianMs(times: number, work: (iteration: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let iteration = 0; iteration < times; iteration++) {
    samples.push((await timed(() => work(iteration)))[1]);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

/** All three ICBs' records in one server (an area of `patients` patients); shared directory entries once. */
function areaResources(patients: number): Resource[] {
  const population = generatePopulation({ seed: 1, patients });
  const seen = new Set<string>();
  const resources: Resource[] = [];
  for (const icb of demoIcbs) {
    for (const resource of population.records[icb.key]) {
      const key = `${resource.resourceType}/${resource.id ?? ''}`;
      if (!seen.has(key)) {
        seen.add(key);
        resources.push(resource);
      }
    }
  }
  return resources;
}

export async function runServerBench(options: { patients: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const [resources, generateMs] = await timed(() => Promise.resolve(areaResources(options.patients)));
  rows.push({
    name: 'population generated',
    value: resources.length,
    unit: 'resources',
    note: `${options.patients} patients, ${(generateMs / 1000).toFixed(1)} s`,
  });
  const server = await startDemoFhirServer({ name: 'Bench area Shared Care Record' });
  const base = server.baseUrl;
  try {
    const [, loadMs] = await timed(() => server.load(resources));
    rows.push({
      name: 'seeding (load)',
      value: Math.round(resources.length / (loadMs / 1000)),
      unit: 'resources/s',
      note: `${(loadMs / 1000).toFixed(1)} s`,
    });

    const districts = demoIcbs.flatMap((icb) => icb.postcodeDistricts);
    const group: Group = {
      resourceType: 'Group',
      type: 'person',
      actual: false,
      modifierExtension: demoIcbs.map((icb) => ({
        url: MEMBER_FILTER,
        valueExpression: {
          language: 'application/x-fhir-query',
          expression: `Patient?address-postalcode=${icb.postcodeDistricts.join(',')}`,
        },
      })),
    };
    const created = await getJson(`${base}/Group`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(group),
    });
    const [manifest, exportMs] = await timed(async () => {
      const kickOff = await fetch(`${base}/Group/${(created.body as Group).id ?? ''}/$export`, {
        headers: { Prefer: 'respond-async' },
      });
      const statusUrl = kickOff.headers.get('content-location') ?? '';
      for (;;) {
        const status = await getJson(statusUrl);
        if (status.status === 200) {
          return status.body as { output: { url: string; count: number }[] };
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });
    const exportedCount = manifest.output.reduce((sum, file) => sum + file.count, 0);
    rows.push({
      name: 'area $export kick-off -> manifest',
      value: Math.round(exportMs),
      unit: 'ms',
      note: `${exportedCount} resources in ${manifest.output.length} files`,
    });

    const [bytes, downloadMs] = await timed(async () => {
      let total = 0;
      for (const file of manifest.output) {
        total += await drainedBytes(file.url, 'identity');
      }
      return total;
    });
    rows.push({
      name: 'NDJSON download (all files)',
      value: Math.round(bytes / 1e6 / (downloadMs / 1000)),
      unit: 'MB/s',
      note: `${Math.round(bytes / 1e6)} MB in ${(downloadMs / 1000).toFixed(1)} s`,
    });
    const [zippedBytes, zipMs] = await timed(async () => {
      const first = manifest.output[0];
      return first ? drainedBytes(first.url, 'gzip') : 0;
    });
    rows.push({
      name: 'NDJSON file gzip download',
      value: Math.round(zipMs),
      unit: 'ms',
      note: `first file, ${(zippedBytes / 1e6).toFixed(1)} MB decoded`,
    });

    const head = await getJson(`${base}/_history?_sort=_lastUpdated&_count=1000`);
    let next = nextLink(head.body);
    const historyMs = await medianMs(20, async () => {
      const page = await getJson(next ?? `${base}/_history?_count=1000`);
      next = nextLink(page.body);
    });
    rows.push({
      name: '_history page of 1,000 (ascending, cursor)',
      value: historyMs,
      unit: 'ms',
      note: 'median of 20 consecutive pages',
    });

    const cohort = `${base}/Patient?address-postalcode=${districts.slice(0, 2).join(',')}&_count=1000`;
    const cohortMs = await medianMs(20, (iteration) => getJson(`${cohort}&_offset=${iteration * 1000}`));
    rows.push({
      name: 'cohort search page of 1,000',
      value: cohortMs,
      unit: 'ms',
      note: `${districts.slice(0, 2).join(',')}, median of 20 pages`,
    });
    const gpMs = await medianMs(10, (iteration) =>
      getJson(
        `${base}/Patient?general-practitioner=${encodeURIComponent(gpReference(resources))}&_count=1000&_offset=${iteration * 1000}`,
      ),
    );
    rows.push({
      name: 'GP cohort search page of 1,000',
      value: gpMs,
      unit: 'ms',
      note: 'median of 10 pages',
    });

    const patientIds = resources
      .filter((resource) => resource.resourceType === 'Patient')
      .map((resource) => resource.id ?? '');
    const pick = (iteration: number): string => patientIds[(iteration * 7919) % patientIds.length] ?? '';
    rows.push({
      name: 'AllergyIntolerance?patient=',
      value: await medianMs(200, (i) => getJson(`${base}/AllergyIntolerance?patient=Patient/${pick(i)}`)),
      unit: 'ms',
      note: 'median of 200',
    });
    rows.push({
      name: 'Patient?_id=&_revinclude=*',
      value: await medianMs(200, (i) => getJson(`${base}/Patient?_id=${pick(i)}&_revinclude=*`)),
      unit: 'ms',
      note: 'median of 200',
    });
    rows.push({
      name: 'Patient/$summary',
      value: await medianMs(200, (i) => getJson(`${base}/Patient/${pick(i)}/$summary`)),
      unit: 'ms',
      note: 'median of 200',
    });
    rows.push({ name: 'live resources in server', value: server.count(), unit: 'resources' });
  } finally {
    await server.close();
  }
  rows.push({ name: 'peak RSS', value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MB' });
  return rows;
}

function gpReference(resources: readonly Resource[]): string {
  for (const resource of resources) {
    if (resource.resourceType === 'Patient') {
      const reference = resource.generalPractitioner?.[0]?.reference;
      if (reference) {
        return reference;
      }
    }
  }
  return 'Organization/none';
}
