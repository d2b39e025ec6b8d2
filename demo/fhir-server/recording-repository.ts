// Medplum's MemoryRepository, reporting every stored write so the HTTP layer can keep its own indexes.
// Every write path of the router (create, conditional create, update, patch, delete, transactions) ends here.
import './websocket-shim';
import { randomUUID } from 'node:crypto';
import type { DeleteResourceOptions } from '@medplum/fhir-router';
import { MemoryRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';
import type { Bundle } from '@medplum/fhirtypes';
import { deepClone, Operator } from '@medplum/core';
import type { SearchRequest, WithId } from '@medplum/core';
import { IdentifierIndex } from './identifier-index';

export type StoredWrite =
  | { readonly kind: 'create' | 'update'; readonly resource: WithId<Resource> }
  | { readonly kind: 'delete'; readonly resourceType: string; readonly id: string };

export type WriteListener = (write: StoredWrite) => void;

/** MemoryRepository's private state (pinned to @medplum/fhir-router 5.2.13; checked in the constructor). */
export interface MemoryRepositoryInternals {
  readonly resources: Map<string, Map<string, Resource>>;
  readonly history: Map<string, Map<string, Resource[]>>;
  createResourceSync: (resource: Resource, options?: unknown, update?: boolean) => WithId<Resource>;
  searchSync: (search: SearchRequest) => Bundle<WithId<Resource>>;
}

export function internalsOf(repo: MemoryRepository): MemoryRepositoryInternals {
  const internals = repo as unknown as Partial<MemoryRepositoryInternals>;
  if (
    !(internals.resources instanceof Map) ||
    !(internals.history instanceof Map) ||
    typeof internals.createResourceSync !== 'function' ||
    typeof internals.searchSync !== 'function'
  ) {
    throw new Error(
      '@medplum/fhir-router MemoryRepository internals changed; demo/fhir-server needs updating',
    );
  }
  return internals as MemoryRepositoryInternals;
}

export class RecordingRepository extends MemoryRepository {
  private readonly internals: MemoryRepositoryInternals;
  private readonly identifiers = new IdentifierIndex();
  /**
   * The JSON text each seeded version was parsed from, as a database that stores resources as text serves
   * it: an export then writes it out instead of serialising the object again (about a fifth of the demo
   * servers' CPU during a pre-cache). Keyed by the stored object, which is never mutated.
   */
  private readonly seededJson = new WeakMap<Resource, string>();

  constructor(private readonly onWrite: WriteListener) {
    super();
    this.internals = internalsOf(this);
    // Every create and update (also conditional ones and patches) goes through this synchronous method.
    // Wrapping it reports a write in the same tick as it is stored, so the change log never lags the store.
    const store = this.internals.createResourceSync.bind(this);
    this.internals.createResourceSync = (resource, options, update = false) => {
      const previous =
        resource.id === undefined
          ? undefined
          : this.internals.resources.get(resource.resourceType)?.get(resource.id);
      const stored = store(resource, options, update);
      this.identifiers.put(stored, previous);
      this.onWrite({ kind: update ? 'update' : 'create', resource: stored });
      return stored;
    };
    // Conditional creates (`If-None-Exist: identifier=system|value`, as every encounter-note transaction
    // sends, both directly and inside transactions) search by identifier; Medplum's search scans every
    // resource of the type with FHIRPath, over a second per transaction once a few thousand are stored.
    const search = this.internals.searchSync.bind(this);
    this.internals.searchSync = (request) => this.searchByIdentifier(request) ?? search(request);
  }

  /**
   * Bulk seed: stores copies of `resources` keeping their ids, with a fresh versionId and `lastUpdated` = now
   * (so the change log stays in time order). About 3x faster than createResource, which serialises twice.
   */
  seed(resources: readonly Resource[]): void {
    const lastUpdated = new Date().toISOString();
    for (const resource of resources) {
      // Stamped first, so the text the copy is parsed from is exactly the stored version.
      const json = JSON.stringify({
        ...resource,
        id: resource.id ?? randomUUID(),
        meta: { ...resource.meta, versionId: randomUUID(), lastUpdated },
      });
      const stored = JSON.parse(json) as WithId<Resource>;
      this.seededJson.set(stored, json);
      let byId = this.internals.resources.get(stored.resourceType);
      if (!byId) {
        byId = new Map();
        this.internals.resources.set(stored.resourceType, byId);
      }
      let versionsById = this.internals.history.get(stored.resourceType);
      if (!versionsById) {
        versionsById = new Map();
        this.internals.history.set(stored.resourceType, versionsById);
      }
      const update = byId.has(stored.id);
      this.identifiers.put(stored, byId.get(stored.id));
      byId.set(stored.id, stored);
      const versions = versionsById.get(stored.id);
      if (versions) {
        versions.push(stored);
      } else {
        versionsById.set(stored.id, [stored]);
      }
      this.onWrite({ kind: update ? 'update' : 'create', resource: stored });
    }
  }

  /** The JSON text of a stored version: as it was seeded, else serialised now. */
  jsonOf(stored: Resource): string {
    return this.seededJson.get(stored) ?? JSON.stringify(stored);
  }

  override deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    // The base method removes the resource synchronously before its promise settles.
    const existing = this.internals.resources.get(resourceType)?.get(id);
    const existed = existing !== undefined;
    const result = super.deleteResource(resourceType, id, options);
    if (existed && !(this.internals.resources.get(resourceType)?.has(id) ?? false)) {
      this.identifiers.remove(existing as WithId<Resource>);
      this.onWrite({ kind: 'delete', resourceType, id });
    }
    return result;
  }

  /**
   * A search whose only filter is `identifier=system|value`, answered from the identifier index; undefined
   * for any other search (left to Medplum's). https://hl7.org/fhir/R4/search.html#token
   */
  private searchByIdentifier(request: SearchRequest): Bundle<WithId<Resource>> | undefined {
    const [filter, ...others] = request.filters ?? [];
    if (filter === undefined || others.length > 0 || filter.code !== 'identifier') return undefined;
    if (filter.operator !== Operator.EQUALS || filter.value.includes(',')) return undefined;
    if ((request.include?.length ?? 0) > 0 || (request.revInclude?.length ?? 0) > 0) return undefined;
    const ids = this.identifiers.find(request.resourceType, filter.value);
    if (ids === undefined) return undefined;
    const byId = this.internals.resources.get(request.resourceType);
    const matches = ids.flatMap((id) => {
      const resource = byId?.get(id);
      return resource === undefined ? [] : [deepClone(resource) as WithId<Resource>];
    });
    const offset = request.offset ?? 0;
    const page = matches.slice(offset, request.count === undefined ? undefined : offset + request.count);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(page.length > 0
        ? { entry: page.map((resource) => ({ search: { mode: 'match' }, resource })) }
        : {}),
      total: matches.length,
    };
  }

  override async expungeResources(resourceType: string, ids: string[]): Promise<void> {
    await super.expungeResources(resourceType, ids);
    for (const id of ids) {
      this.onWrite({ kind: 'delete', resourceType, id });
    }
  }
}
