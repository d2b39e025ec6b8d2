// Public surface of the FHIR client (sync/fhir-client): the client class, its option, result and event types,
// and the named errors callers can catch.
export { FhirClient } from './fhir-client';
export type { BundlePage, FhirClientOptions, GetInit, NdjsonInit, WriteInit } from './fhir-client';
export type {
  BulkExportInit,
  BulkExportKickoff,
  ExportFile,
  ExportManifest,
  JsonResponse,
} from './bulk-export';
export { nextLink, parseBundle } from './bundle';
export type {
  BundleType,
  JsonObject,
  ValidatedBundle,
  ValidatedBundleEntry,
  ValidatedBundleLink,
} from './bundle';
export { parseCapabilityStatement } from './capabilities';
export type { ServerCapabilities } from './capabilities';
export {
  FhirClientError,
  FhirHttpError,
  InvalidResponseError,
  NetworkError,
  RateLimitedError,
  ResponseTooLargeError,
  TimeoutError,
  UnauthorizedError,
  parseOperationOutcome,
} from './errors';
export type { RetryReason } from './errors';
export type { FhirClientEvent } from './events';
export { ndjsonLines } from './ndjson';
export type { NdjsonLine } from './ndjson';
export type { HttpMethod } from './transport';
