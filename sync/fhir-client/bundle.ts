// Checks the shape of a FHIR Bundle (paging links, entries holding resources) without copying resources:
// per-resource validation is the caller's job, so one bad resource does not reject a whole page.
import { InvalidResponseError } from './errors';
import { isJsonObject } from './read-body';

export type BundleType =
  | 'document'
  | 'message'
  | 'transaction'
  | 'transaction-response'
  | 'batch'
  | 'batch-response'
  | 'history'
  | 'searchset'
  | 'collection';

const bundleTypes: ReadonlySet<string> = new Set<BundleType>([
  'document',
  'message',
  'transaction',
  'transaction-response',
  'batch',
  'batch-response',
  'history',
  'searchset',
  'collection',
]);

/** A JSON object from the server, not yet validated as any particular resource. */
export type JsonObject = Readonly<Record<string, unknown>>;

export interface ValidatedBundleLink {
  readonly relation: string;
  readonly url: string;
}

export interface ValidatedBundleEntry {
  readonly fullUrl?: string;
  /** The resource exactly as parsed (absent in a history entry for a deletion). */
  readonly resource?: JsonObject;
  readonly search?: { readonly mode?: string; readonly score?: number };
  readonly request?: { readonly method: string; readonly url: string };
  readonly response?: {
    readonly status: string;
    readonly location?: string;
    readonly etag?: string;
    readonly lastModified?: string;
  };
}

/** A Bundle whose structure has been checked; the only fields kept are those named here. */
export interface ValidatedBundle {
  readonly resourceType: 'Bundle';
  readonly id?: string;
  readonly type: BundleType;
  readonly total?: number;
  readonly timestamp?: string;
  /** `meta.lastUpdated`: on a search, the server-clock time the result was taken (a sync position). */
  readonly lastUpdated?: string;
  readonly link: readonly ValidatedBundleLink[];
  readonly entry: readonly ValidatedBundleEntry[];
}

/** Thrown inside parsing with the JSON path of the problem. */
class ShapeError extends Error {}

/**
 * Validates a Bundle's structure. Bundle and entry fields are read one by one into new objects (never
 * spread or merged), and resources are passed on by reference, so keys such as `__proto__` stay inert data.
 * @see https://hl7.org/fhir/R4/bundle.html
 */
export function parseBundle(value: unknown, url: string): ValidatedBundle {
  try {
    return readBundle(value);
  } catch (error) {
    if (error instanceof ShapeError)
      throw new InvalidResponseError(url, `not a valid Bundle: ${error.message}`);
    throw error;
  }
}

/**
 * The `next` link of a searchset or history page, if any.
 * @see https://hl7.org/fhir/R4/search.html#paging
 */
export function nextLink(bundle: ValidatedBundle): string | undefined {
  return bundle.link.find((link) => link.relation === 'next')?.url;
}

function readBundle(value: unknown): ValidatedBundle {
  const bundle = object(value, '(root)');
  if (bundle.resourceType !== 'Bundle') throw new ShapeError('resourceType is not "Bundle"');
  const type = bundle.type;
  if (typeof type !== 'string' || !bundleTypes.has(type)) throw new ShapeError('type is missing or unknown');
  const link = array(bundle.link, 'link').map((item, index) => {
    const path = `link[${index}]`;
    const entry = object(item, path);
    return { relation: string(entry.relation, `${path}.relation`), url: string(entry.url, `${path}.url`) };
  });
  const entry = array(bundle.entry, 'entry').map(readEntry);
  const meta = bundle.meta === undefined ? undefined : object(bundle.meta, 'meta');
  return {
    resourceType: 'Bundle',
    ...optional('id', optionalString(bundle.id, 'id')),
    type: type as BundleType,
    ...optional('total', optionalNumber(bundle.total, 'total')),
    ...optional('timestamp', optionalString(bundle.timestamp, 'timestamp')),
    ...optional('lastUpdated', optionalString(meta?.lastUpdated, 'meta.lastUpdated')),
    link,
    entry,
  };
}

function readEntry(value: unknown, index: number): ValidatedBundleEntry {
  const path = `entry[${index}]`;
  const entry = object(value, path);
  const out: {
    fullUrl?: string;
    resource?: JsonObject;
    search?: ValidatedBundleEntry['search'];
    request?: ValidatedBundleEntry['request'];
    response?: ValidatedBundleEntry['response'];
  } = {};
  const fullUrl = optionalString(entry.fullUrl, `${path}.fullUrl`);
  if (fullUrl !== undefined) out.fullUrl = fullUrl;
  if (entry.resource !== undefined) out.resource = object(entry.resource, `${path}.resource`);
  if (entry.search !== undefined) {
    const search = object(entry.search, `${path}.search`);
    out.search = {
      ...optional('mode', optionalString(search.mode, `${path}.search.mode`)),
      ...optional('score', optionalNumber(search.score, `${path}.search.score`)),
    };
  }
  if (entry.request !== undefined) {
    const request = object(entry.request, `${path}.request`);
    out.request = {
      method: string(request.method, `${path}.request.method`),
      url: string(request.url, `${path}.request.url`),
    };
  }
  if (entry.response !== undefined) {
    const response = object(entry.response, `${path}.response`);
    out.response = {
      status: string(response.status, `${path}.response.status`),
      ...optional('location', optionalString(response.location, `${path}.response.location`)),
      ...optional('etag', optionalString(response.etag, `${path}.response.etag`)),
      ...optional('lastModified', optionalString(response.lastModified, `${path}.response.lastModified`)),
    };
  }
  return out;
}

function object(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw new ShapeError(`${path} is not an object`);
  return value;
}

function array(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${path} is not an array`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(`${path} is not a string`);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(`${path} is not a number`);
  return value;
}

/** `{ key: value }` when the value is present, `{}` otherwise (so optional fields stay absent, not undefined). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>);
}
