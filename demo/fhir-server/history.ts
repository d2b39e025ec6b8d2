// Type- and system-level `_history` from the change log (https://hl7.org/fhir/R4/http.html#history).
// `next` links carry an opaque cursor (the log sequence number), so pages never skip or repeat an entry
// while writes continue; a deletion is an entry with request.method DELETE, no resource, status '204'.
import type { Bundle, BundleEntry, BundleLink } from '@medplum/fhirtypes';
import type { ChangeEntry } from './change-log';
import type { IndexedStore } from './indexed-store';
import { badRequest, weakEtag } from './outcomes';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';

export interface HistoryRequest {
  /** e.g. `http://127.0.0.1:1234/fhir/Patient/_history` */
  readonly url: string;
  readonly resourceType: string | undefined;
  readonly query: URLSearchParams;
}

const CURSOR_PREFIX = 'c';

function parseCursor(value: string | null): number | undefined {
  if (value === null) {
    return undefined;
  }
  const match = /^c([0-9a-z]{1,12})$/.exec(value);
  if (!match?.[1]) {
    throw badRequest('Invalid _cursor', '_cursor');
  }
  return parseInt(match[1], 36);
}

function parseSince(value: string | null): number {
  if (value === null) {
    return 0;
  }
  const time = Date.parse(value.replaceAll(' ', '+'));
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw badRequest('_since must be a FHIR instant, e.g. 2024-05-01T10:00:00Z', '_since');
  }
  return time;
}

function parseOrder(value: string | null): 'ascending' | 'descending' {
  switch (value) {
    case null:
    case '-_lastUpdated':
      return 'descending';
    case '_lastUpdated':
      return 'ascending';
    default:
      throw badRequest('_sort on _history must be _lastUpdated or -_lastUpdated', '_sort');
  }
}

/** One page of history, ascending (oldest first, for incremental sync) or descending (the FHIR default). */
export function historyBundle(store: IndexedStore, baseUrl: string, request: HistoryRequest): Bundle {
  const { query, resourceType } = request;
  const since = parseSince(query.get('_since'));
  const order = parseOrder(query.get('_sort'));
  const cursor = parseCursor(query.get('_cursor'));
  const countText = query.get('_count');
  const count =
    countText === null ? DEFAULT_PAGE_SIZE : Math.min(Number.parseInt(countText, 10), MAX_PAGE_SIZE);
  if (!Number.isFinite(count) || count < 1) {
    throw badRequest('_count must be a positive integer', '_count');
  }
  const { changes } = store;
  const matches = (entry: ChangeEntry): boolean =>
    entry.time >= since && (resourceType === undefined || entry.resourceType === resourceType);
  const page: ChangeEntry[] = [];
  let more = false;
  if (order === 'ascending') {
    const start = cursor !== undefined ? cursor + 1 : changes.firstSeqAtOrAfter(since);
    const head = changes.head;
    for (let seq = start; seq <= head; seq++) {
      const entry = changes.at(seq);
      if (entry && matches(entry)) {
        if (page.length === count) {
          more = true;
          break;
        }
        page.push(entry);
      }
    }
  } else {
    const start = cursor !== undefined ? cursor - 1 : changes.head;
    for (let seq = start; seq >= 1; seq--) {
      const entry = changes.at(seq);
      if (!entry || entry.time < since) {
        break;
      }
      if (matches(entry)) {
        if (page.length === count) {
          more = true;
          break;
        }
        page.push(entry);
      }
    }
  }
  const links: BundleLink[] = [{ relation: 'self', url: withQuery(request.url, query) }];
  const last = page.at(-1);
  if (more && last) {
    const next = new URLSearchParams(query);
    next.set('_cursor', CURSOR_PREFIX + last.seq.toString(36));
    next.set('_count', String(count));
    links.push({ relation: 'next', url: withQuery(request.url, next) });
  }
  return {
    resourceType: 'Bundle',
    type: 'history',
    link: links,
    entry: page.map((entry) => historyEntry(store, baseUrl, entry)),
  };
}

/**
 * Instance history from the change log, newest first: every version, the deletion included. Medplum's own
 * answers 410 for a deleted resource, but a client needs the last version to know whose record held it.
 * https://hl7.org/fhir/R4/http.html#history
 */
export function instanceHistoryBundle(
  store: IndexedStore,
  baseUrl: string,
  resourceType: string,
  id: string,
): Bundle | undefined {
  const entries: BundleEntry[] = [];
  let entry = store.changes.latest(resourceType, id);
  while (entry) {
    entries.push(historyEntry(store, baseUrl, entry));
    entry = entry.previous === 0 ? undefined : store.changes.at(entry.previous);
  }
  if (entries.length === 0) return undefined;
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: entries.length,
    link: [{ relation: 'self', url: `${baseUrl}/${resourceType}/${id}/_history` }],
    entry: entries,
  };
}

/** A history entry: the version's content, the request that produced it and its outcome. */
export function historyEntry(store: IndexedStore, baseUrl: string, entry: ChangeEntry): BundleEntry {
  const path = `${entry.resourceType}/${entry.id}`;
  const resource = store.contentOf(entry);
  const status = entry.method === 'DELETE' ? '204 No Content' : entry.created ? '201 Created' : '200 OK';
  return {
    fullUrl: `${baseUrl}/${path}`,
    ...(resource ? { resource } : {}),
    request: { method: entry.method, url: entry.method === 'POST' ? entry.resourceType : path },
    response: { status, lastModified: entry.lastUpdated, etag: weakEtag(entry.versionId) },
  };
}

function withQuery(url: string, query: URLSearchParams): string {
  const text = query.toString();
  return text === '' ? url : `${url}?${text}`;
}
