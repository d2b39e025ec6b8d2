// What route handlers return (a status, a FHIR body or a stream) and how errors become OperationOutcomes.
// Every error leaves the server as an OperationOutcome (https://hl7.org/fhir/R4/operationoutcome.html).
import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { Writable } from 'node:stream';

export type IssueCode = OperationOutcomeIssue['code'];

export interface FhirReply {
  readonly status: number;
  /** A FHIR resource, or a JSON document already serialised (e.g. the export manifest). */
  readonly body?: Resource | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Streams the body (NDJSON downloads); `contentType` says what it is. */
  readonly stream?: { readonly contentType: string; readonly write: (out: Writable) => Promise<void> };
}

export function operationOutcome(
  severity: OperationOutcomeIssue['severity'],
  code: IssueCode,
  diagnostics: string,
  expression?: string,
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity, code, diagnostics, ...(expression ? { expression: [expression] } : {}) }],
  };
}

/** An error that knows its HTTP status and the OperationOutcome to send. */
export class FhirHttpError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
  ) {
    super(outcome.issue[0]?.diagnostics ?? outcome.issue[0]?.details?.text ?? `HTTP ${status}`);
    this.name = 'FhirHttpError';
  }
}

export function httpError(
  status: number,
  code: IssueCode,
  diagnostics: string,
  expression?: string,
): FhirHttpError {
  return new FhirHttpError(status, operationOutcome('error', code, diagnostics, expression));
}

export function badRequest(diagnostics: string, expression?: string): FhirHttpError {
  return httpError(400, 'invalid', diagnostics, expression);
}

export function notFound(diagnostics: string): FhirHttpError {
  return httpError(404, 'not-found', diagnostics);
}

export function outcomeReply(status: number, outcome: OperationOutcome): FhirReply {
  return { status, body: outcome };
}

/** `W/"versionId"` as FHIR uses for ETag / If-Match. */
export function weakEtag(versionId: string): string {
  return `W/"${versionId}"`;
}

/** ETag and Last-Modified headers for a resource read or write. */
export function versionHeaders(resource: Resource): Record<string, string> {
  const headers: Record<string, string> = {};
  if (resource.meta?.versionId) {
    headers.ETag = weakEtag(resource.meta.versionId);
  }
  if (resource.meta?.lastUpdated) {
    headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  }
  return headers;
}
