// The two things the pull protocol depends on, as narrow interfaces: a remote FHIR server and a local
// store. FhirClient (sync/fhir-client) and PatientStore (sync/store) implement them; tests may fake them.
import type {
  ExportManifest,
  JsonResponse,
  NdjsonLine,
  ServerCapabilities,
  ValidatedBundle,
} from '../fhir-client';
import type { CommitBatch } from '../store';

export interface RemoteFhir {
  capabilities(signal?: AbortSignal): Promise<ServerCapabilities>;
  getBundle(
    pathOrUrl: string,
    init?: { signal?: AbortSignal },
  ): Promise<{ bundle: ValidatedBundle; bytes: number }>;
  pages(
    pathOrUrl: string,
    init?: { signal?: AbortSignal },
  ): AsyncGenerator<{ bundle: ValidatedBundle; bytes: number; url: string }>;
  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathOrUrl: string,
    init?: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal; retryable?: boolean },
  ): Promise<JsonResponse>;
  streamNdjson(url: string, init?: { signal?: AbortSignal }): AsyncGenerator<NdjsonLine>;
  bulkExport(
    kickoff: { path: string; params: URLSearchParams; body?: unknown },
    init?: { signal?: AbortSignal; onProgress?: (progress: string | undefined) => void },
  ): Promise<ExportManifest>;
}

export interface StoredRecord {
  readonly raw: unknown[];
  readonly summary: unknown;
  readonly refreshedAt: number;
}

export interface LocalStore {
  commit<C>(batch: CommitBatch<C>): Promise<void>;
  readCheckpoint<C>(icb: string): Promise<C | undefined>;
  readRecords(icb: string, patientIds: readonly string[]): Promise<Map<string, StoredRecord>>;
  patientIdsFor(icb: string): Promise<Set<string>>;
  purgeIcb(icb: string): Promise<void>;
  /** Index upkeep after a run's commits (merging name postings); the store's data does not change. */
  mergePostings(): Promise<void>;
}
