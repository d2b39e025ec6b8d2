// The ordinary FHIR REST interactions: input validation, then Medplum's router, then HTTP statuses and
// headers (ETag, Last-Modified, Location); searches are answered from indexes when possible, with paging links.
import './websocket-shim';
import { getStatus, isResourceType, normalizeOperationOutcome, validateResource } from '@medplum/core';
import type { HttpMethod } from '@medplum/fhir-router';
import type { BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { IncomingHttpHeaders } from 'node:http';
import type { IndexedSearch } from './indexed-search';
import type { IndexedStore } from './indexed-store';
import type { FhirReply } from './outcomes';
import { badRequest, FhirHttpError, httpError, versionHeaders } from './outcomes';
import { pageRequest, searchEntry, searchsetBundle } from './paging';

export interface RestContext {
  readonly baseUrl: string;
  readonly store: IndexedStore;
  readonly search: IndexedSearch;
}

export interface RestRequest {
  readonly method: HttpMethod;
  /** Path below the base, e.g. `Patient/123`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** Rejects anything that is not a known, structurally valid resource of the expected type. */
export function validatedResource(body: unknown, expectedType: string | undefined): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('Request body must be a FHIR resource (a JSON object)');
  }
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string' || !isResourceType(resourceType)) {
    throw badRequest(`Unknown resource type in body: ${String(resourceType)}`, 'resourceType');
  }
  if (expectedType !== undefined && resourceType !== expectedType) {
    throw badRequest(
      `Body resourceType ${resourceType} does not match the URL (${expectedType})`,
      'resourceType',
    );
  }
  const resource = body as Resource;
  if (resource.resourceType === 'Bundle') {
    for (const entry of resource.entry ?? []) {
      const type = (entry.resource as { resourceType?: unknown } | undefined)?.resourceType;
      if (entry.resource !== undefined && (typeof type !== 'string' || !isResourceType(type))) {
        throw badRequest(`Unknown resource type in Bundle entry: ${String(type)}`, 'Bundle.entry.resource');
      }
    }
  }
  try {
    validateResource(resource);
  } catch (error) {
    throw new FhirHttpError(422, normalizeOperationOutcome(error));
  }
  return resource;
}

/** Sends a request through Medplum's router and maps its outcome to an HTTP reply. */
export async function medplumRequest(context: RestContext, request: RestRequest): Promise<FhirReply> {
  const { router, repo } = context.store.medplum;
  const queryText = request.query.toString();
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.query) {
    const existing = query[name];
    query[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const [outcome, resource] = await router.handleRequest(
    {
      method: request.method,
      url: `/${request.path}${queryText === '' ? '' : `?${queryText}`}`,
      pathname: '',
      body: request.body,
      params: {},
      query,
      headers: request.headers,
    },
    repo,
  );
  return replyFor(context, request, outcome, resource);
}

function replyFor(
  context: RestContext,
  request: RestRequest,
  outcome: OperationOutcome,
  resource: Resource | undefined,
): FhirReply {
  let status = getStatus(outcome);
  const [type, id] = request.path.split('/');
  if (status === 404 && request.method === 'GET' && type !== undefined && id !== undefined) {
    if (context.store.isDeleted(type, id)) {
      throw httpError(410, 'deleted', `${type}/${id} has been deleted`);
    }
  }
  if (status >= 400 || !resource) {
    return { status, body: outcome };
  }
  const headers = versionHeaders(resource);
  if (resource.resourceType === 'Bundle' && request.method === 'POST' && request.path === '') {
    return { status, body: resource, headers: {} };
  }
  if ((request.method === 'POST' || request.method === 'PUT') && resource.id && resource.meta?.versionId) {
    headers.Location = `${context.baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
    if (
      request.method === 'PUT' &&
      context.store.changes.latest(resource.resourceType, resource.id)?.created
    ) {
      status = 201;
    }
  }
  return { status, body: resource, headers };
}

/** Type-level search: indexes first, Medplum's scan otherwise; always with `self`/`next` links. */
export async function searchType(
  context: RestContext,
  resourceType: string,
  query: URLSearchParams,
): Promise<FhirReply> {
  const page = pageRequest(`${context.baseUrl}/${resourceType}`, query);
  const indexed = await context.search.search(resourceType, query);
  if (indexed) {
    const slice = indexed.slice(page.offset, page.offset + page.count);
    const entries: BundleEntry[] = [];
    const matches: Resource[] = [];
    for (const entry of slice) {
      const resource = context.store.current(resourceType, entry.id);
      if (resource) {
        matches.push(resource);
        entries.push(searchEntry(context.baseUrl, resource, 'match'));
      }
    }
    entries.push(...revIncluded(context, resourceType, query, matches));
    return { status: 200, body: searchsetBundle(page, entries, indexed.length, slice.length) };
  }
  const forwarded = new URLSearchParams(query);
  forwarded.set('_count', String(page.count));
  forwarded.set('_offset', String(page.offset));
  const reply = await medplumRequest(context, {
    method: 'GET',
    path: resourceType,
    query: forwarded,
    headers: {},
    body: undefined,
  });
  const bundle = reply.body;
  if (reply.status !== 200 || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') {
    return reply;
  }
  const entries = (bundle.entry ?? []).map((entry) => ({
    ...entry,
    ...(entry.resource
      ? { fullUrl: `${context.baseUrl}/${entry.resource.resourceType}/${entry.resource.id ?? ''}` }
      : {}),
  }));
  const matched = entries.filter((entry) => entry.search?.mode !== 'include').length;
  return { status: 200, body: searchsetBundle(page, entries, bundle.total, matched) };
}

function revIncluded(
  context: RestContext,
  resourceType: string,
  query: URLSearchParams,
  matches: Resource[],
): BundleEntry[] {
  const types = context.search.revIncludeTypes(resourceType, query);
  if (types === undefined || types === 'none') {
    return [];
  }
  const included: BundleEntry[] = [];
  for (const patient of matches) {
    for (const member of context.store.patients.members(
      patient.id ?? '',
      types === 'all' ? undefined : types,
    )) {
      const resource =
        member.resourceType === 'Patient' ? undefined : context.store.current(member.resourceType, member.id);
      if (resource) {
        included.push(searchEntry(context.baseUrl, resource, 'include'));
      }
    }
  }
  return included;
}
