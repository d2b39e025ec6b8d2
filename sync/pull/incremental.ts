// Later runs: fetch only what changed since the checkpoint, via `_history?_since=` where the server
// offers it, else `_lastUpdated` searches per type; each page is committed with its new position.
import type { ValidatedBundle } from '../fhir-client';
import { applyChanges, type Change } from './apply-changes';
import type { IcbPullContext } from './context';
import { exportTypes } from './fetch-chunk';
import type { ChunkStrategy, PullCheckpoint } from './types';

type IncrementalCheckpoint = Extract<PullCheckpoint, { phase: 'incremental' }>;

/** Types whose changes matter, in an order that puts Patients (cohort moves) first. */
export const changeTypes = ['Patient', ...exportTypes.filter((type) => type !== 'Patient')];

function historyChanges(bundle: ValidatedBundle): { changes: Change[]; newest?: string } {
  const changes: Change[] = [];
  let newest: string | undefined;
  for (const entry of bundle.entry) {
    const request = entry.request as { method?: unknown; url?: unknown } | undefined;
    const response = entry.response as { lastModified?: unknown } | undefined;
    const resource = entry.resource as { meta?: { lastUpdated?: unknown } } | undefined;
    const stamp =
      typeof response?.lastModified === 'string' ? response.lastModified : resource?.meta?.lastUpdated;
    if (typeof stamp === 'string' && (newest === undefined || stamp > newest)) newest = stamp;
    if (request?.method === 'DELETE' && typeof request.url === 'string') {
      const [resourceType, id] = request.url.split('?')[0]?.split('/') ?? [];
      if (resourceType !== undefined && id !== undefined) changes.push({ kind: 'delete', resourceType, id });
    } else if (entry.resource !== undefined) {
      changes.push({ kind: 'upsert', value: entry.resource });
    }
  }
  return { changes, newest };
}

function searchChanges(bundle: ValidatedBundle): { changes: Change[]; newest?: string } {
  const changes: Change[] = [];
  let newest: string | undefined;
  for (const entry of bundle.entry) {
    if (entry.search?.mode === 'include' || entry.resource === undefined) continue;
    const stamp = (entry.resource as { meta?: { lastUpdated?: unknown } }).meta?.lastUpdated;
    if (typeof stamp === 'string' && (newest === undefined || stamp > newest)) newest = stamp;
    changes.push({ kind: 'upsert', value: entry.resource });
  }
  return { changes, newest };
}

/**
 * Runs the change streams from the checkpoint to now. History: https://hl7.org/fhir/R4/http.html#history;
 * `_lastUpdated`: https://hl7.org/fhir/R4/search.html#lastUpdated (inclusive `ge`, replays are idempotent).
 */
export async function runIncremental(
  context: IcbPullContext,
  start: IncrementalCheckpoint,
  joinStrategy: ChunkStrategy,
): Promise<IncrementalCheckpoint> {
  let checkpoint = start;
  const streams: {
    key: string;
    url: (since: string) => string;
    read: (bundle: ValidatedBundle) => { changes: Change[]; newest?: string };
  }[] =
    checkpoint.mode === 'history'
      ? Object.keys(checkpoint.since).map((key) => ({
          key,
          url: (since: string) =>
            `${key === '*' ? '' : `${key}/`}_history?_since=${encodeURIComponent(since)}&_sort=_lastUpdated&_count=${context.pageSize}`,
          read: historyChanges,
        }))
      : Object.keys(checkpoint.since).map((key) => ({
          key,
          url: (since: string) =>
            `${key}?_lastUpdated=ge${encodeURIComponent(since)}&_sort=_lastUpdated&_count=${context.pageSize}`,
          read: searchChanges,
        }));
  context.progress.begin('incremental');
  for (const stream of streams) {
    const since = checkpoint.since[stream.key];
    if (since === undefined) continue;
    for await (const page of context.remote.pages(stream.url(since), { signal: context.signal })) {
      context.progress.bytes += page.bytes;
      const { changes, newest } = stream.read(page.bundle);
      const applied = await applyChanges(context, changes, joinStrategy);
      checkpoint = {
        ...checkpoint,
        since: { ...checkpoint.since, [stream.key]: newest ?? since },
        needsReconcile: checkpoint.needsReconcile || applied.needsReconcile,
      };
      await context.store.commit({
        icb: context.icb.odsCode,
        upserts: applied.upserts,
        deletes: applied.deletes,
        quarantine: applied.quarantine,
        checkpoint,
      });
      context.progress.changes += changes.length;
      context.progress.patientsDone += applied.upserts.length;
      context.progress.deleted += applied.deletes.length;
      context.progress.quarantined += applied.quarantine.length;
      for (const entry of applied.quarantine) {
        context.emit({
          type: 'invalid-resource',
          icb: context.icb.odsCode,
          resourceType: entry.resourceType,
          id: entry.resourceId,
          reason: entry.reason,
        });
      }
      context.progress.report();
    }
  }
  return checkpoint;
}
