// Maps a request below `/fhir` to its handler: metadata, _history, $export, $summary, $everything,
// searches and the REST interactions Medplum's router serves.
import './websocket-shim';
import { isResourceType } from '@medplum/core';
import type { HttpMethod } from '@medplum/fhir-router';
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import type { IncomingHttpHeaders } from 'node:http';
import type { BulkExportManager } from './bulk-export';
import { capabilityStatement } from './capability-statement';
import type { ExportLevel } from './export-request';
import { exportParameters } from './export-request';
import { historyBundle, instanceHistoryBundle } from './history';
import type { FhirReply } from './outcomes';
import { badRequest, httpError, notFound } from './outcomes';
import { pageRequest, searchEntry, searchsetBundle } from './paging';
import { patientCompartment, summaryDocument } from './patient-summary';
import type { RestContext } from './rest-interactions';
import { medplumRequest, searchType, validatedResource } from './rest-interactions';

export interface RouteContext extends RestContext {
  readonly name: string;
  readonly exports: BulkExportManager;
  readonly bulkExport: boolean;
  historyEnabled(): boolean;
}

export interface RouteRequest {
  readonly method: HttpMethod;
  /** Decoded path segments below `/fhir`. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, if any. */
  readonly body: unknown;
  /** Form body of `POST _search`, if any. */
  readonly form: URLSearchParams | undefined;
  /** The request URL as the client sent it (for the export manifest). */
  readonly url: string;
}

const WRITE_METHODS = new Set<HttpMethod>(['POST', 'PUT']);

export async function route(context: RouteContext, request: RouteRequest): Promise<FhirReply> {
  const { method, segments } = request;
  const [first, second, third] = segments;
  if (first === undefined) {
    if (method === 'POST') {
      return medplumRequest(context, {
        ...restRequest(request, ''),
        body: validatedResource(request.body, 'Bundle'),
      });
    }
    return medplumRequest(context, restRequest(request, ''));
  }
  if (first === 'metadata' && method === 'GET') {
    const statement = capabilityStatement({
      name: context.name,
      baseUrl: context.baseUrl,
      history: context.historyEnabled(),
      bulkExport: context.bulkExport,
    });
    return { status: 200, body: statement };
  }
  if (first === '_history' && segments.length === 1 && method === 'GET') {
    return history(context, request, undefined);
  }
  if (first === '$export' && segments.length === 1) {
    return kickOff(context, request, { kind: 'system' });
  }
  if (first === '$export-status' && second !== undefined && segments.length === 2) {
    requireExport(context);
    if (method === 'DELETE') {
      return context.exports.cancel(second);
    }
    return context.exports.status(second);
  }
  if (first === '$export-file' && second !== undefined && third !== undefined && method === 'GET') {
    requireExport(context);
    return context.exports.file(second, third);
  }
  if (!isResourceType(first)) {
    throw badRequest(`Unknown resource type or operation: ${first}`);
  }
  return resourceRoute(context, request, first);
}

async function resourceRoute(
  context: RouteContext,
  request: RouteRequest,
  resourceType: string,
): Promise<FhirReply> {
  const { method, segments, query } = request;
  const [, second, third, fourth] = segments;
  if (second === undefined) {
    if (method === 'GET') {
      return searchType(context, resourceType, query);
    }
    if (method === 'POST') {
      const resource = validatedResource(request.body, resourceType);
      // The server assigns ids on create (https://hl7.org/fhir/R4/http.html#create).
      const { id: _ignored, ...withoutId } = resource;
      return medplumRequest(context, { ...restRequest(request, resourceType), body: withoutId });
    }
    return medplumRequest(context, restRequest(request, resourceType));
  }
  if (second === '_history' && segments.length === 2 && method === 'GET') {
    return history(context, request, resourceType);
  }
  if (second === '_search' && segments.length === 2 && method === 'POST') {
    const merged = new URLSearchParams(query);
    for (const [name, value] of request.form ?? []) {
      merged.append(name, value);
    }
    return searchType(context, resourceType, merged);
  }
  if (resourceType === 'Patient' && second === '$export' && segments.length === 2) {
    return kickOff(context, request, { kind: 'patient' });
  }
  if (resourceType === 'Group' && third === '$export' && segments.length === 3) {
    return kickOff(context, request, { kind: 'group', groupId: second });
  }
  if (third === '_history' && segments.length === 3 && method === 'GET') {
    const bundle = instanceHistoryBundle(context.store, context.baseUrl, resourceType, second);
    if (bundle !== undefined) return { status: 200, body: bundle };
  }
  if (resourceType === 'Patient' && third === '$summary' && method === 'GET') {
    return { status: 200, body: summaryDocument(context.store, context.baseUrl, second, context.name) };
  }
  if (resourceType === 'Patient' && third === '$everything' && method === 'GET') {
    return everything(context, request, second);
  }
  if (second.startsWith('$') || third?.startsWith('$') || fourth?.startsWith('$')) {
    throw httpError(404, 'not-supported', `Operation ${segments.join('/')} is not supported`);
  }
  const path = segments.join('/');
  if (WRITE_METHODS.has(method) && segments.length === 2) {
    return medplumRequest(context, {
      ...restRequest(request, path),
      body: validatedResource(request.body, resourceType),
    });
  }
  return medplumRequest(context, restRequest(request, path));
}

function restRequest(request: RouteRequest, path: string) {
  return { method: request.method, path, query: request.query, headers: request.headers, body: request.body };
}

function history(context: RouteContext, request: RouteRequest, resourceType: string | undefined): FhirReply {
  if (!context.historyEnabled()) {
    throw httpError(
      405,
      'not-supported',
      'history not supported: this server does not serve type or system _history',
    );
  }
  const url = `${context.baseUrl}/${resourceType === undefined ? '' : `${resourceType}/`}_history`;
  return {
    status: 200,
    body: historyBundle(context.store, context.baseUrl, { url, resourceType, query: request.query }),
  };
}

function requireExport(context: RouteContext): void {
  if (!context.bulkExport) {
    throw httpError(404, 'not-supported', 'Bulk export is not supported by this server');
  }
}

async function kickOff(context: RouteContext, request: RouteRequest, level: ExportLevel): Promise<FhirReply> {
  requireExport(context);
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw httpError(405, 'not-supported', '$export takes GET or POST');
  }
  const prefer = String(request.headers.prefer ?? '');
  if (!prefer.split(/[,;]/).some((part) => part.trim() === 'respond-async')) {
    throw badRequest('$export requires the header Prefer: respond-async');
  }
  const body =
    request.method === 'POST' && request.body !== undefined ? (request.body as Resource) : undefined;
  const parameters = exportParameters(request.query, body);
  return context.exports.kickOff(level, parameters, request.url);
}

/** `Patient/{id}/$everything` as a paged searchset (`_type`, `_since`, `_count`, `_offset`). */
function everything(context: RouteContext, request: RouteRequest, patientId: string): FhirReply {
  const { query } = request;
  const types = query
    .get('_type')
    ?.split(',')
    .filter((type) => type !== '');
  const sinceText = query.get('_since');
  const since = sinceText === null ? undefined : Date.parse(sinceText.replaceAll(' ', '+'));
  if (since !== undefined && Number.isNaN(since)) {
    throw badRequest('_since must be a FHIR instant', '_since');
  }
  const resources = patientCompartment(context.store, patientId).filter(
    (resource) =>
      (types === undefined || types.includes(resource.resourceType)) &&
      (since === undefined || Date.parse(resource.meta?.lastUpdated ?? '') >= since),
  );
  const page = pageRequest(`${context.baseUrl}/Patient/${patientId}/$everything`, query);
  const slice = resources.slice(page.offset, page.offset + page.count);
  const entries: BundleEntry[] = slice.map((resource) => searchEntry(context.baseUrl, resource, 'match'));
  if (resources.length === 0 && !context.store.current('Patient', patientId)) {
    throw notFound(`Patient/${patientId} not found`);
  }
  return { status: 200, body: searchsetBundle(page, entries, resources.length, slice.length) };
}
