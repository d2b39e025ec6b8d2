// Applies a page of changes (from `_history` or `_lastUpdated` searches) to the cached records:
// re-projects the patients they touch, purges those who left the cohort, fetches those who joined.
import type { Patient, Resource } from '@medplum/fhirtypes';
import type { PatientWrite, QuarantineWrite } from '../store';
import { ChunkCollector } from './chunk-collector';
import { cohortDecision } from './cohort';
import { compartmentOf, sharedResourceTypes } from './compartment';
import type { IcbPullContext } from './context';
import { fetchChunk } from './fetch-chunk';
import { applyResourceChange, buildPatientWrite } from './patient-records';
import type { ChunkStrategy } from './types';
import { validateResource } from './validate-resource';

export type Change =
  | { readonly kind: 'upsert'; readonly value: unknown; readonly bytes?: number }
  | { readonly kind: 'delete'; readonly resourceType: string; readonly id: string };

type PlacedChange =
  | { readonly kind: 'upsert'; readonly resource: Resource }
  | { readonly kind: 'delete'; readonly resourceType: string; readonly id: string };

export interface AppliedPage {
  readonly upserts: PatientWrite[];
  readonly deletes: string[];
  readonly quarantine: QuarantineWrite[];
  /** A delete could not be traced to its patient: only a full reconciliation can be sure of the cache. */
  readonly needsReconcile: boolean;
}

/** Finds the patient of a deleted resource from its last version (instance history). https://hl7.org/fhir/R4/http.html#history */
async function patientOfDeleted(
  context: IcbPullContext,
  resourceType: string,
  id: string,
): Promise<string | undefined> {
  try {
    const response = await context.remote.request('GET', `${resourceType}/${id}/_history?_count=10`, {
      signal: context.signal,
    });
    if (response.status !== 200) return undefined;
    const entries = (response.body as { entry?: { resource?: unknown }[] }).entry ?? [];
    for (const entry of entries) {
      const checked = validateResource(entry.resource, 0, context.maxResourceBytes);
      if (!checked.ok) continue;
      const place = compartmentOf(checked.resource);
      if (place.kind === 'member') return place.patientId;
    }
    return undefined;
  } catch (error) {
    if (context.signal.aborted) throw error;
    return undefined;
  }
}

/** Groups a page's changes by patient, in order; changes to shared resources and unknown deletes are noted. */
async function placeChanges(
  context: IcbPullContext,
  changes: readonly Change[],
  collector: ChunkCollector,
): Promise<{ byPatient: Map<string, PlacedChange[]>; unresolved: boolean }> {
  const byPatient = new Map<string, PlacedChange[]>();
  let unresolved = false;
  const push = (patientId: string, change: PlacedChange): void => {
    const list = byPatient.get(patientId) ?? [];
    list.push(change);
    byPatient.set(patientId, list);
  };
  for (const change of changes) {
    if (change.kind === 'delete') {
      if (change.resourceType === 'Patient') {
        push(change.id, change);
        continue;
      }
      const patientId = await patientOfDeleted(context, change.resourceType, change.id);
      if (patientId === undefined) unresolved ||= !sharedResourceTypes.has(change.resourceType);
      else push(patientId, change);
      continue;
    }
    const checked = validateResource(change.value, change.bytes ?? 0, context.maxResourceBytes);
    if (!checked.ok) {
      collector.reject(checked.reason, checked.resourceType, checked.id);
      continue;
    }
    const place = compartmentOf(checked.resource);
    if (place.kind === 'patient' || place.kind === 'member')
      push(place.patientId, { kind: 'upsert', resource: checked.resource });
    else if (place.kind === 'shared')
      context.sharedCache.set(
        `${checked.resource.resourceType}/${checked.resource.id ?? ''}`,
        checked.resource,
      );
    else collector.reject(place.reason, checked.resource.resourceType, checked.resource.id);
  }
  return { byPatient, unresolved };
}

/** Applies one page of changes; the caller commits the result together with the new checkpoint. */
export async function applyChanges(
  context: IcbPullContext,
  changes: readonly Change[],
  joinStrategy: ChunkStrategy,
): Promise<AppliedPage> {
  const now = context.now();
  const today = now.toISOString().slice(0, 10);
  const collector = new ChunkCollector(context.icb.odsCode, () => now.getTime(), context.maxResourceBytes);
  const { byPatient, unresolved } = await placeChanges(context, changes, collector);
  const existing = await context.store.readRecords(context.icb.odsCode, [...byPatient.keys()]);
  const rule = context.rule;
  const upserts: PatientWrite[] = [];
  const deletes: string[] = [];
  const joined: string[] = [];
  for (const [patientId, patientChanges] of byPatient) {
    let raw = existing.get(patientId)?.raw as Resource[] | undefined;
    let removed = false;
    let joining = false;
    for (const change of patientChanges) {
      if (change.kind === 'delete' && change.resourceType === 'Patient') {
        raw = undefined;
        removed = true;
        joining = false;
      } else if (change.kind === 'upsert' && change.resource.resourceType === 'Patient') {
        const member = rule !== undefined && cohortDecision(change.resource, rule, today).member;
        if (!member) {
          raw = undefined;
          removed = true;
          joining = false;
        } else if (raw === undefined) {
          joining = true;
        } else {
          raw = applyResourceChange(raw, change);
        }
      } else if (raw !== undefined) {
        raw = applyResourceChange(raw, change);
      }
    }
    if (joining) joined.push(patientId);
    else if (raw !== undefined) upserts.push(buildPatientWrite(context.icb, patientId, raw, now));
    else if (removed && existing.has(patientId)) deletes.push(patientId);
  }
  if (joined.length > 0) {
    const joinedCollector = new ChunkCollector(
      context.icb.odsCode,
      () => now.getTime(),
      context.maxResourceBytes,
      new Set(joined),
    );
    await fetchChunk(
      context.remote,
      joinStrategy,
      joined,
      joinedCollector,
      context.sharedCache,
      context.signal,
    );
    const built = buildChunkWrites(context, joined, joinedCollector, now);
    upserts.push(...built.upserts);
    deletes.push(...built.deletes.filter((id) => existing.has(id)));
    collector.quarantine.push(...joinedCollector.quarantine);
  }
  return { upserts, deletes, quarantine: collector.quarantine, needsReconcile: unresolved };
}

/** Builds the writes for a fetched chunk: cohort members are projected, the rest deleted. */
export function buildChunkWrites(
  context: IcbPullContext,
  ids: readonly string[],
  collector: ChunkCollector,
  now: Date,
): { upserts: PatientWrite[]; deletes: string[] } {
  const today = now.toISOString().slice(0, 10);
  const upserts: PatientWrite[] = [];
  const deletes: string[] = [];
  for (const patientId of ids) {
    const patient = collector.patients.get(patientId);
    const member =
      patient !== undefined &&
      context.rule !== undefined &&
      cohortDecision(patient as Patient, context.rule, today).member;
    if (patient === undefined || !member) {
      deletes.push(patientId);
      continue;
    }
    const record = collector.recordOf(patientId, patient, context.sharedCache);
    upserts.push(
      buildPatientWrite(context.icb, patientId, record, now, (resource) => collector.jsonOf(resource)),
    );
  }
  return { upserts, deletes };
}
