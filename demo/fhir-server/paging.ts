// Paging of search results: `_count` / `_offset` parsing and the Bundle `self` / `next` / `previous` links.
// See https://hl7.org/fhir/R4/http.html#paging.
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { badRequest } from './outcomes';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  /** e.g. `http://127.0.0.1:1234/fhir/Patient` */
  readonly url: string;
  readonly query: URLSearchParams;
  readonly count: number;
  readonly offset: number;
}

function parseNonNegativeInteger(name: string, value: string | null): number | undefined {
  if (value === null || value === '') {
    return undefined;
  }
  if (!/^\d{1,9}$/.test(value)) {
    throw badRequest(`${name} must be a non-negative integer`, name);
  }
  return Number(value);
}

/** Reads `_count` (default 100, capped at 1000) and `_offset` (default 0). */
export function pageRequest(url: string, query: URLSearchParams): PageRequest {
  const count = Math.min(
    parseNonNegativeInteger('_count', query.get('_count')) ?? DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
  );
  const offset = parseNonNegativeInteger('_offset', query.get('_offset')) ?? 0;
  return { url, query, count, offset };
}

function linkTo(page: PageRequest, offset: number): string {
  const query = new URLSearchParams(page.query);
  query.set('_count', String(page.count));
  if (offset > 0) {
    query.set('_offset', String(offset));
  } else {
    query.delete('_offset');
  }
  const text = query.toString();
  return text === '' ? page.url : `${page.url}?${text}`;
}

/** `self`, `first`, `previous` and `next` links for a page; `next` only when more results remain. */
export function pageLinks(page: PageRequest, total: number | undefined, returned: number): BundleLink[] {
  const links: BundleLink[] = [
    { relation: 'self', url: linkTo(page, page.offset) },
    { relation: 'first', url: linkTo(page, 0) },
  ];
  if (page.offset > 0) {
    links.push({ relation: 'previous', url: linkTo(page, Math.max(0, page.offset - page.count)) });
  }
  const more =
    total !== undefined ? page.offset + page.count < total : returned >= page.count && returned > 0;
  if (more && page.count > 0) {
    links.push({ relation: 'next', url: linkTo(page, page.offset + page.count) });
  }
  return links;
}

export function searchsetBundle(
  page: PageRequest,
  entries: BundleEntry[],
  total: number | undefined,
  matches: number,
): Bundle {
  return {
    resourceType: 'Bundle',
    // When the search was answered: clients use it as the server-clock point to ask for changes after.
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    ...(total !== undefined ? { total } : {}),
    link: pageLinks(page, total, matches),
    entry: entries,
  };
}

/** A search entry with an absolute `fullUrl`. */
export function searchEntry(baseUrl: string, resource: Resource, mode: 'match' | 'include'): BundleEntry {
  return {
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`,
    resource,
    search: { mode },
  };
}
