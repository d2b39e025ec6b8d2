// FHIR Bulk Data export jobs (https://hl7.org/fhir/uv/bulkdata/export.html): kick-off, status, cancel, files.
// A job fixes a snapshot (change-log position) at kick-off and collects in time slices; files stream from it.
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { ChangeEntry } from './change-log';
import type { ExportLevel, ExportParameters } from './export-request';
import { groupMembers } from './export-request';
import type { IndexedSearch } from './indexed-search';
import type { IndexedStore } from './indexed-store';
import type { FhirReply } from './outcomes';
import { badRequest, httpError, notFound, operationOutcome } from './outcomes';
import { patientField } from './patient-index';

/** Most resources in one NDJSON file; larger types are split. */
export const EXPORT_FILE_SIZE = 50_000;
const DELETES_PER_BUNDLE = 1000;
const SLICE_MS = 20;

type Filter = (resource: Resource) => boolean;

interface ExportFile {
  readonly name: string;
  readonly type: string;
  readonly kind: 'output' | 'deleted';
  readonly entries: readonly ChangeEntry[];
}

interface ExportJob {
  readonly id: string;
  readonly request: string;
  readonly snapshot: number;
  readonly transactionTime: string;
  state: 'running' | 'completed' | 'failed' | 'cancelled';
  progress: string;
  files: ExportFile[];
  error?: string;
}

class Cancelled extends Error {}

export class BulkExportManager {
  private readonly jobs = new Map<string, ExportJob>();

  constructor(
    private readonly store: IndexedStore,
    private readonly search: IndexedSearch,
    private readonly baseUrl: string,
  ) {}

  /** Starts a job and answers 202 with the status URL in Content-Location. */
  async kickOff(level: ExportLevel, parameters: ExportParameters, requestUrl: string): Promise<FhirReply> {
    const snapshot = this.store.changes.head;
    const transactionTime = new Date().toISOString();
    if (level.kind === 'system' && parameters.patients !== undefined) {
      throw badRequest('The patient parameter does not apply to a system-level export', 'patient');
    }
    const members =
      level.kind === 'group' ? await groupMembers(this.store, this.search, level.groupId) : undefined;
    // Patients asked for who are not on the server (or not in the group) have no compartment to export.
    const cohort =
      parameters.patients === undefined
        ? members
        : new Set([...parameters.patients].filter((id) => members === undefined || members.has(id)));
    const filters = new Map<string, Filter[]>();
    for (const [type, queries] of parameters.typeFilters) {
      const compiled: Filter[] = [];
      for (const query of queries) {
        compiled.push(await this.search.compileFilter(type, query));
      }
      filters.set(type, compiled);
    }
    const job: ExportJob = {
      id: randomUUID(),
      request: requestUrl,
      snapshot,
      transactionTime,
      state: 'running',
      progress: 'started',
      files: [],
    };
    this.jobs.set(job.id, job);
    this.collect(job, level, parameters, cohort, filters).then(
      (files) => {
        if (job.state === 'running') {
          job.files = files;
          job.state = 'completed';
        }
      },
      (error: unknown) => {
        if (!(error instanceof Cancelled)) {
          job.state = 'failed';
          job.error = error instanceof Error ? error.message : String(error);
        }
      },
    );
    return {
      status: 202,
      headers: { 'Content-Location': `${this.baseUrl}/$export-status/${job.id}` },
      body: operationOutcome('information', 'informational', `Export ${job.id} accepted`),
    };
  }

  status(jobId: string): FhirReply {
    const job = this.jobs.get(jobId);
    switch (job?.state) {
      case undefined:
      case 'cancelled':
        throw notFound(`No export job ${jobId}`);
      case 'running':
        return { status: 202, headers: { 'X-Progress': job.progress, 'Retry-After': '1' } };
      case 'failed':
        throw httpError(500, 'exception', `Export failed: ${job.error ?? 'unknown error'}`);
      case 'completed':
        return { status: 200, body: JSON.stringify(this.manifest(job)), headers: { Expires: expiry() } };
    }
  }

  /** Cancels a running job or deletes a finished one (202), per the spec. */
  cancel(jobId: string): FhirReply {
    const job = this.jobs.get(jobId);
    if (!job || job.state === 'cancelled') {
      throw notFound(`No export job ${jobId}`);
    }
    job.state = 'cancelled';
    job.files = [];
    this.jobs.delete(jobId);
    return {
      status: 202,
      body: operationOutcome('information', 'informational', `Export ${jobId} cancelled`),
    };
  }

  /** Streams one NDJSON file, each resource as it stood at the job's snapshot. */
  file(jobId: string, name: string): FhirReply {
    const job = this.jobs.get(jobId);
    const file =
      job?.state === 'completed' ? job.files.find((candidate) => candidate.name === name) : undefined;
    if (!file) {
      throw notFound(`No export file ${name} for job ${jobId}`);
    }
    return {
      status: 200,
      stream: { contentType: 'application/fhir+ndjson', write: (out) => this.writeFile(file, out) },
    };
  }

  close(): void {
    for (const job of this.jobs.values()) {
      job.state = 'cancelled';
    }
    this.jobs.clear();
  }

  private manifest(job: ExportJob): object {
    const describe = (file: ExportFile) => ({
      type: file.type,
      url: `${this.baseUrl}/$export-file/${job.id}/${file.name}`,
      count:
        file.kind === 'deleted' ? Math.ceil(file.entries.length / DELETES_PER_BUNDLE) : file.entries.length,
    });
    return {
      transactionTime: job.transactionTime,
      request: job.request,
      requiresAccessToken: false,
      output: job.files.filter((file) => file.kind === 'output').map(describe),
      deleted: job.files.filter((file) => file.kind === 'deleted').map(describe),
      error: [],
    };
  }

  private async collect(
    job: ExportJob,
    level: ExportLevel,
    parameters: ExportParameters,
    cohort: Set<string> | undefined,
    filters: ReadonlyMap<string, Filter[]>,
  ): Promise<ExportFile[]> {
    const { changes } = this.store;
    const { snapshot } = job;
    const slicer = new TimeSlicer(job);
    const compartmentLevel = level.kind !== 'system';
    const typeAllowed = (type: string): boolean =>
      parameters.types === undefined
        ? !compartmentLevel || isCompartmentType(type)
        : parameters.types.has(type);
    // In patient/group exports, requested types outside the patient compartment are exported whole.
    const wholeType = (type: string): boolean => !compartmentLevel || !isCompartmentType(type);
    const inCohort = (entry: ChangeEntry): boolean =>
      entry.patientId !== undefined && (cohort === undefined || cohort.has(entry.patientId));
    const outputs = new Map<string, ChangeEntry[]>();
    const deleted: ChangeEntry[] = [];
    const add = (entry: ChangeEntry): void => {
      const typeFilters = filters.get(entry.resourceType);
      if (typeFilters) {
        const resource = this.store.contentOf(entry);
        if (!resource || !typeFilters.some((filter) => filter(resource))) {
          return;
        }
      }
      let list = outputs.get(entry.resourceType);
      if (!list) {
        list = [];
        outputs.set(entry.resourceType, list);
      }
      list.push(entry);
    };

    if (parameters.since !== undefined) {
      // Changes since `_since`: walk the log up to the snapshot; deletions go to the `deleted` array.
      const first = changes.firstSeqAtOrAfter(parameters.since);
      for (let seq = first; seq <= snapshot; seq++) {
        await slicer.tick(() => `changes ${seq - first}/${snapshot - first + 1}`);
        const entry = changes.at(seq);
        if (!entry || !typeAllowed(entry.resourceType) || !changes.isCurrentAt(entry, snapshot)) {
          continue;
        }
        if (!wholeType(entry.resourceType) && !inCohort(entry)) {
          continue;
        }
        if (entry.method === 'DELETE') {
          deleted.push(entry);
        } else {
          add(entry);
        }
      }
    } else {
      for (const type of changes.resourceTypes().filter((t) => typeAllowed(t) && wholeType(t))) {
        for (const latest of changes.latestOfType(type)) {
          await slicer.tick(() => `collecting ${type}`);
          const entry = latest.seq <= snapshot ? latest : changes.versionAt(type, latest.id, snapshot);
          if (entry && entry.method !== 'DELETE') {
            add(entry);
          }
        }
      }
      if (compartmentLevel) {
        await this.collectCompartments(job, slicer, cohort, typeAllowed, add);
      }
    }
    return this.toFiles(outputs, deleted);
  }

  /** Compartments of the cohort from the live patient index, corrected for writes after the snapshot. */
  private async collectCompartments(
    job: ExportJob,
    slicer: TimeSlicer,
    cohort: Set<string> | undefined,
    typeAllowed: (type: string) => boolean,
    add: (entry: ChangeEntry) => void,
  ): Promise<void> {
    const { changes, patients } = this.store;
    const { snapshot } = job;
    let patientIds: Iterable<string>;
    if (cohort) {
      patientIds = cohort;
    } else {
      const all: string[] = [];
      for (const latest of changes.latestOfType('Patient')) {
        const entry = latest.seq <= snapshot ? latest : changes.versionAt('Patient', latest.id, snapshot);
        if (entry && entry.method !== 'DELETE') {
          all.push(entry.id);
        }
      }
      patientIds = all;
    }
    const members = cohort ?? new Set(patientIds);
    let done = 0;
    for (const patientId of patientIds) {
      await slicer.tick(() => `patients ${done}/${members.size}`);
      done++;
      for (const member of patients.members(patientId)) {
        const latest = changes.latest(member.resourceType, member.id);
        // Resources changed after the snapshot are settled below from their snapshot version.
        if (latest && latest.seq <= snapshot && typeAllowed(member.resourceType)) {
          add(latest);
        }
      }
    }
    const settled = new Set<string>();
    for (let seq = snapshot + 1; seq <= changes.head; seq++) {
      await slicer.tick(() => 'settling concurrent writes');
      const changed = changes.at(seq);
      const key = changed ? `${changed.resourceType}/${changed.id}` : '';
      if (!changed || settled.has(key) || !typeAllowed(changed.resourceType)) {
        continue;
      }
      settled.add(key);
      const entry = changes.versionAt(changed.resourceType, changed.id, snapshot);
      if (
        entry &&
        entry.method !== 'DELETE' &&
        entry.patientId !== undefined &&
        members.has(entry.patientId)
      ) {
        add(entry);
      }
    }
  }

  private toFiles(outputs: Map<string, ChangeEntry[]>, deleted: ChangeEntry[]): ExportFile[] {
    const files: ExportFile[] = [];
    const types = [...outputs.keys()].sort((a, b) =>
      a === 'Patient' ? -1 : b === 'Patient' ? 1 : a.localeCompare(b),
    );
    for (const type of types) {
      const entries = outputs.get(type) ?? [];
      for (let start = 0, part = 1; start < entries.length; start += EXPORT_FILE_SIZE, part++) {
        files.push({
          name: `${type}-${part}.ndjson`,
          type,
          kind: 'output',
          entries: entries.slice(start, start + EXPORT_FILE_SIZE),
        });
      }
    }
    for (let start = 0, part = 1; start < deleted.length; start += EXPORT_FILE_SIZE, part++) {
      files.push({
        name: `deleted-${part}.ndjson`,
        type: 'Bundle',
        kind: 'deleted',
        entries: deleted.slice(start, start + EXPORT_FILE_SIZE),
      });
    }
    return files;
  }

  private async writeFile(file: ExportFile, out: Writable): Promise<void> {
    const lines: string[] = [];
    const flush = async (): Promise<void> => {
      if (lines.length > 0 && !out.write(lines.join(''))) {
        await new Promise<void>((resolve) => out.once('drain', resolve));
      }
      lines.length = 0;
    };
    if (file.kind === 'deleted') {
      for (let start = 0; start < file.entries.length; start += DELETES_PER_BUNDLE) {
        const bundle: Bundle = {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: file.entries.slice(start, start + DELETES_PER_BUNDLE).map((entry) => ({
            request: { method: 'DELETE', url: `${entry.resourceType}/${entry.id}` },
          })),
        };
        lines.push(JSON.stringify(bundle) + '\n');
        await flush();
      }
      return;
    }
    for (const entry of file.entries) {
      const json = this.store.jsonOf(entry);
      if (json !== undefined) {
        lines.push(json + '\n');
      }
      if (lines.length >= 500) {
        await flush();
      }
    }
    await flush();
  }
}

function isCompartmentType(type: string): boolean {
  return type === 'Patient' || patientField(type) !== undefined;
}

function expiry(): string {
  return new Date(Date.now() + 60 * 60 * 1000).toUTCString();
}

/** Yields to the event loop every ~20 ms of work, so a long job never blocks requests. */
class TimeSlicer {
  private sliceStart = performance.now();
  private calls = 0;

  constructor(private readonly job: ExportJob) {}

  /** Call once per unit of work; `progress` is shown in X-Progress while the job runs. */
  async tick(progress: () => string): Promise<void> {
    if ((++this.calls & 255) !== 0 || performance.now() - this.sliceStart < SLICE_MS) {
      return;
    }
    this.job.progress = progress();
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.job.state !== 'running') {
      throw new Cancelled('export cancelled');
    }
    this.sliceStart = performance.now();
  }
}
