// Collects the resources that arrive for a chunk of patients (from any strategy), validating each one,
// grouping them by patient and setting aside the invalid ones for quarantine.
import type { Resource } from '@medplum/fhirtypes';
import type { QuarantineWrite } from '../store';
import { compartmentOf, isSharedReference } from './compartment';
import { DEFAULT_MAX_RESOURCE_BYTES, validateResource } from './validate-resource';

export interface ChunkResult {
  readonly patients: ReadonlyMap<string, Resource>;
  readonly members: ReadonlyMap<string, Resource[]>;
  readonly shared: ReadonlyMap<string, Resource>;
  readonly quarantine: readonly QuarantineWrite[];
  readonly bytes: number;
}

export class ChunkCollector {
  readonly patients = new Map<string, Resource>();
  readonly members = new Map<string, Map<string, Resource>>();
  readonly shared = new Map<string, Resource>();
  readonly quarantine: QuarantineWrite[] = [];
  bytes = 0;
  /** Valid resources dropped because they belong to a patient outside the chunk. */
  outside = 0;
  /** Shared references of each kept resource, found by its validation walk (not walked again). */
  private readonly sharedRefs = new WeakMap<Resource, readonly string[]>();
  /** The JSON text a kept resource was parsed from, when it came as an NDJSON line. */
  private readonly json = new WeakMap<Resource, Uint8Array>();

  /**
   * `chunk`: the patients asked for. Resources in other patients' compartments (a server that ignores the
   * export's `patient` parameter, or `$everything` reaching a linked patient) are dropped, not held.
   */
  constructor(
    private readonly icb: string,
    private readonly now: () => number,
    private readonly maxResourceBytes = DEFAULT_MAX_RESOURCE_BYTES,
    private readonly chunk?: ReadonlySet<string>,
  ) {}

  private inChunk(patientId: string): boolean {
    if (this.chunk === undefined || this.chunk.has(patientId)) return true;
    this.outside++;
    return false;
  }

  /**
   * Adds one resource as received; `bytes` is its serialised size when known, `json` the UTF-8 JSON text it
   * was parsed from (NDJSON lines), kept to be stored as it came.
   */
  add(value: unknown, bytes?: number, json?: Uint8Array): void {
    const size = bytes ?? 0;
    this.bytes += size;
    const checked = validateResource(value, size, this.maxResourceBytes);
    if (!checked.ok) {
      this.reject(checked.reason, checked.resourceType, checked.id);
      return;
    }
    const resource = checked.resource;
    const shared = checked.references.filter(isSharedReference);
    if (shared.length > 0) this.sharedRefs.set(resource, shared);
    if (json !== undefined) this.json.set(resource, json);
    const place = compartmentOf(resource);
    switch (place.kind) {
      case 'patient':
        if (this.inChunk(place.patientId)) this.patients.set(place.patientId, resource);
        return;
      case 'member': {
        if (!this.inChunk(place.patientId)) return;
        let list = this.members.get(place.patientId);
        if (list === undefined) {
          list = new Map();
          this.members.set(place.patientId, list);
        }
        list.set(`${resource.resourceType}/${resource.id ?? ''}`, resource);
        return;
      }
      case 'shared':
        this.shared.set(`${resource.resourceType}/${resource.id ?? ''}`, resource);
        return;
      case 'invalid':
        this.reject(place.reason, resource.resourceType, resource.id);
        return;
    }
  }

  /** Adds every entry resource of a Bundle; sizes are measured only when the page could hold an oversized one. */
  addBundle(entries: readonly { readonly resource?: unknown }[], pageBytes: number): void {
    this.bytes += pageBytes;
    const measure = pageBytes > this.maxResourceBytes;
    for (const entry of entries) {
      if (entry.resource === undefined) continue;
      if (isDocumentBundle(entry.resource)) {
        this.addBundle(entry.resource.entry ?? [], 0);
        continue;
      }
      this.add(entry.resource, measure ? JSON.stringify(entry.resource).length : undefined);
    }
  }

  reject(reason: string, resourceType?: string, resourceId?: string): void {
    this.quarantine.push({ icb: this.icb, resourceType, resourceId, reason, at: this.now() });
  }

  /** Shared references (`Organization/x`) used by the chunk's resources and not yet collected. */
  missingSharedReferences(cache: ReadonlyMap<string, Resource>): string[] {
    const wanted = new Set<string>();
    for (const patient of this.patients.values())
      for (const reference of this.sharedReferencesOf(patient)) wanted.add(reference);
    for (const list of this.members.values())
      for (const resource of list.values())
        for (const reference of this.sharedReferencesOf(resource)) wanted.add(reference);
    return [...wanted].filter((reference) => !this.shared.has(reference) && !cache.has(reference));
  }

  /** The shared references (`Organization/x`) inside a resource this collector kept. */
  sharedReferencesOf(resource: Resource): readonly string[] {
    return this.sharedRefs.get(resource) ?? [];
  }

  /** The JSON text `resource` was parsed from (`add`'s `json`); validation leaves a resource as parsed. */
  jsonOf(resource: Resource): Uint8Array | undefined {
    return this.json.get(resource);
  }

  membersOf(patientId: string): Resource[] {
    return [...(this.members.get(patientId)?.values() ?? [])];
  }

  /**
   * One patient's record as stored: the Patient, its compartment members, and the shared resources they
   * refer to, from this collector or else `sharedCache`.
   */
  recordOf(patientId: string, patient: Resource, sharedCache?: ReadonlyMap<string, Resource>): Resource[] {
    const members = this.membersOf(patientId);
    const shared = new Map<string, Resource>();
    for (const resource of [patient, ...members]) {
      for (const reference of this.sharedReferencesOf(resource)) {
        const found = this.shared.get(reference) ?? sharedCache?.get(reference);
        if (found !== undefined) shared.set(reference, found);
      }
    }
    return [patient, ...members, ...shared.values()];
  }
}

function isDocumentBundle(
  value: unknown,
): value is { resourceType: 'Bundle'; entry?: { resource?: unknown }[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { resourceType?: unknown }).resourceType === 'Bundle' &&
    Array.isArray((value as { entry?: unknown }).entry)
  );
}
