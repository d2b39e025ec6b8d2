// The pull of one ICB's area cohort, as a resumable state machine over its durable checkpoint:
// list the cohort, fetch it chunk by chunk, then follow changes; reconcile where deletes are invisible.
import type { ServerCapabilities } from '../fhir-client';
import { ChunkCollector } from './chunk-collector';
import { buildChunkWrites } from './apply-changes';
import type { IcbPullContext } from './context';
import { fetchChunk } from './fetch-chunk';
import { changeTypes, runIncremental } from './incremental';
import { listCohort, resolveCohortRule } from './list-cohort';
import type { ChangeStrategy, ChunkStrategy, PullCheckpoint } from './types';

type InitialCheckpoint = Extract<PullCheckpoint, { phase: 'initial' }>;
type IncrementalCheckpoint = Extract<PullCheckpoint, { phase: 'incremental' }>;

export interface IcbPullOptions {
  readonly areaDistricts: readonly string[];
  /** Servers without `_history` cannot show deletes: the whole cohort is re-fetched this often. */
  readonly reconcileEveryMs: number;
  /** Forces a strategy (tests and diagnostics); otherwise chosen from the CapabilityStatement. */
  readonly forceChunkStrategy?: ChunkStrategy;
  readonly forceChangeStrategy?: ChangeStrategy;
}

/** Identifies the cohort definition (area districts and the ICB's practices) a checkpoint was made for. */
export function cohortKey(areaDistricts: readonly string[], gpPractices: readonly string[]): string {
  return `${[...areaDistricts].sort().join(',')}|${[...gpPractices].sort().join(',')}`;
}

/** Picks how to fetch whole records: Bulk Data, then `_revinclude`, then `$everything`, then `$summary`. */
export function chooseChunkStrategy(capabilities: ServerCapabilities): ChunkStrategy {
  if (capabilities.bulkExport.patient) return 'bulk-export';
  if ((capabilities.searchRevInclude.get('Patient')?.size ?? 0) > 0) return 'revinclude';
  if (capabilities.patientEverything) return 'everything';
  if (capabilities.patientSummary) return 'summary';
  return 'revinclude';
}

/** Strategy for patients who join the cohort during an incremental run (a handful: no export job). */
export function joinStrategy(chunk: ChunkStrategy): ChunkStrategy {
  return chunk === 'bulk-export' ? 'revinclude' : chunk;
}

export function chooseChangeStrategy(capabilities: ServerCapabilities): {
  mode: ChangeStrategy;
  streams: string[];
} {
  if (capabilities.historySystem) return { mode: 'history', streams: ['*'] };
  if (changeTypes.every((type) => capabilities.historyType.has(type)))
    return { mode: 'history', streams: changeTypes };
  return {
    mode: 'last-updated',
    streams: changeTypes.filter(
      (type) => capabilities.searchParams.size === 0 || capabilities.searchParams.has(type),
    ),
  };
}

async function startInitial(
  context: IcbPullContext,
  options: IcbPullOptions,
  capabilities: ServerCapabilities,
  previous: PullCheckpoint | undefined,
): Promise<InitialCheckpoint> {
  // Any earlier state means the store may hold patients this cohort no longer includes.
  const reconciling = previous !== undefined;
  context.progress.begin('cohort');
  const listing = await listCohort(
    context,
    context.rule ?? (await resolveCohortRule(context, options.areaDistricts)),
  );
  const checkpoint: InitialCheckpoint = {
    version: 1,
    phase: 'initial',
    cohortKey: cohortKey(options.areaDistricts, context.icb.gpPractices),
    strategy: options.forceChunkStrategy ?? chooseChunkStrategy(capabilities),
    cohort: listing.ids,
    nextChunk: 0,
    chunkSize: context.chunkSize,
    since: listing.since,
    startedAt: context.now().toISOString(),
    reconciling,
    lastCompletedAt: previous?.lastCompletedAt,
  };
  const cohort = new Set(listing.ids);
  const stale = reconciling
    ? [...(await context.store.patientIdsFor(context.icb.odsCode))].filter((id) => !cohort.has(id))
    : [];
  await context.store.commit({
    icb: context.icb.odsCode,
    upserts: [],
    deletes: stale,
    quarantine: listing.quarantine,
    checkpoint,
  });
  context.progress.deleted += stale.length;
  context.progress.quarantined += listing.quarantine.length;
  return checkpoint;
}

function firstIncremental(
  initial: InitialCheckpoint,
  capabilities: ServerCapabilities,
  options: IcbPullOptions,
  now: string,
): IncrementalCheckpoint {
  const chosen = chooseChangeStrategy(capabilities);
  const mode = options.forceChangeStrategy ?? chosen.mode;
  const streams = mode === chosen.mode ? chosen.streams : mode === 'history' ? ['*'] : changeTypes;
  return {
    version: 1,
    phase: 'incremental',
    cohortKey: initial.cohortKey,
    mode,
    since: Object.fromEntries(streams.map((stream) => [stream, initial.since])),
    lastCompletedAt: now,
    lastReconciledAt: now,
    needsReconcile: false,
  };
}

/** Chunks fetched ahead of the one being written, so export polling and downloads overlap with the CPU work. */
const CHUNK_LOOKAHEAD = 1;

interface FetchedChunk {
  readonly ids: readonly string[];
  readonly collector: ChunkCollector;
  readonly fetchedAt: Date;
}

async function runChunks(
  context: IcbPullContext,
  start: InitialCheckpoint,
  capabilities: ServerCapabilities,
  options: IcbPullOptions,
): Promise<IncrementalCheckpoint> {
  const { cohort, chunkSize } = start;
  const chunks = Math.ceil(cohort.length / chunkSize);
  context.progress.begin(start.reconciling ? 'reconcile' : 'initial', cohort.length);
  context.progress.patientsDone = Math.min(start.nextChunk * chunkSize, cohort.length);
  const pending = new Map<number, Promise<FetchedChunk>>();
  const fetchAhead = (chunk: number): void => {
    if (chunk >= chunks || pending.has(chunk)) return;
    const ids = cohort.slice(chunk * chunkSize, (chunk + 1) * chunkSize);
    const fetchedAt = context.now();
    const collector = new ChunkCollector(
      context.icb.odsCode,
      () => fetchedAt.getTime(),
      context.maxResourceBytes,
      new Set(ids),
    );
    const promise = fetchChunk(
      context.remote,
      start.strategy,
      ids,
      collector,
      context.sharedCache,
      context.signal,
    ).then(() => ({
      ids,
      collector,
      fetchedAt,
    }));
    // Awaited in order below; this only stops an abandoned prefetch (after an abort) being reported as unhandled.
    promise.catch(() => undefined);
    pending.set(chunk, promise);
  };
  let checkpoint: InitialCheckpoint = start;
  for (let chunk = start.nextChunk; chunk < chunks; chunk++) {
    for (let ahead = chunk; ahead <= chunk + CHUNK_LOOKAHEAD; ahead++) fetchAhead(ahead);
    const fetched = await (pending.get(chunk) as Promise<FetchedChunk>);
    pending.delete(chunk);
    const { ids, collector, fetchedAt } = fetched;
    const writes = buildChunkWrites(context, ids, collector, fetchedAt);
    const last = chunk === chunks - 1;
    checkpoint = { ...checkpoint, nextChunk: chunk + 1 };
    await context.store.commit({
      icb: context.icb.odsCode,
      upserts: writes.upserts,
      deletes: writes.deletes,
      quarantine: collector.quarantine,
      checkpoint: last
        ? firstIncremental(checkpoint, capabilities, options, fetchedAt.toISOString())
        : checkpoint,
    });
    context.progress.patientsDone += ids.length;
    context.progress.bytes += collector.bytes;
    context.progress.deleted += writes.deletes.length;
    context.progress.quarantined += collector.quarantine.length;
    for (const entry of collector.quarantine) {
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
  const done = firstIncremental(checkpoint, capabilities, options, context.now().toISOString());
  if (chunks === 0) {
    await context.store.commit({
      icb: context.icb.odsCode,
      upserts: [],
      deletes: [],
      quarantine: [],
      checkpoint: done,
    });
  }
  return done;
}

function dueForReconcile(checkpoint: IncrementalCheckpoint, options: IcbPullOptions, now: Date): boolean {
  if (checkpoint.needsReconcile) return true;
  return (
    checkpoint.mode === 'last-updated' &&
    now.getTime() - Date.parse(checkpoint.lastReconciledAt) >= options.reconcileEveryMs
  );
}

/** Pulls one ICB from wherever its checkpoint stands to up to date. Throws on errors; state stays durable. */
export async function pullIcb(
  context: IcbPullContext,
  options: IcbPullOptions,
): Promise<IncrementalCheckpoint> {
  const capabilities = await context.remote.capabilities(context.signal);
  let checkpoint = await context.store.readCheckpoint<PullCheckpoint>(context.icb.odsCode);
  context.rule ??= await resolveCohortRule(context, options.areaDistricts);
  const areaChanged =
    checkpoint !== undefined &&
    checkpoint.cohortKey !== cohortKey(options.areaDistricts, context.icb.gpPractices);
  if (
    checkpoint === undefined ||
    areaChanged ||
    (checkpoint.phase === 'incremental' && dueForReconcile(checkpoint, options, context.now()))
  ) {
    const previous = checkpoint;
    context.emit({
      type: 'started',
      icb: context.icb.odsCode,
      phase: previous ? 'reconcile' : 'initial',
      strategy: options.forceChunkStrategy ?? chooseChunkStrategy(capabilities),
    });
    checkpoint = await startInitial(context, options, capabilities, previous);
  }
  if (checkpoint.phase === 'initial') {
    const incremental = await runChunks(context, checkpoint, capabilities, options);
    // Changes made while the cohort was being fetched are picked up straight away.
    checkpoint = incremental;
  }
  context.emit({
    type: 'started',
    icb: context.icb.odsCode,
    phase: 'incremental',
    strategy: checkpoint.mode,
  });
  const finished = await runIncremental(
    context,
    checkpoint,
    joinStrategy(options.forceChunkStrategy ?? chooseChunkStrategy(capabilities)),
  );
  const completed: IncrementalCheckpoint = { ...finished, lastCompletedAt: context.now().toISOString() };
  await context.store.commit({
    icb: context.icb.odsCode,
    upserts: [],
    deletes: [],
    quarantine: [],
    checkpoint: completed,
  });
  return completed;
}
