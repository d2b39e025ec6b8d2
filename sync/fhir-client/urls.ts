// URL rules of the FHIR client: paths resolve against the server's base URL, and nothing that carries our
// access token (next links, export status and file URLs) may leave the server's origin.

/** Parses `value` (relative to `base` when given), or undefined when it is not a URL. */
export function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** Whether `value` is an absolute URL (has a scheme). */
export function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(value);
}

/**
 * The base URL in canonical form, without a trailing slash.
 * @see https://hl7.org/fhir/R4/http.html#root
 */
export function normaliseBaseUrl(baseUrl: string): string {
  const url = parseUrl(baseUrl);
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new TypeError(`FHIR base URL must be an absolute http(s) URL: ${baseUrl}`);
  }
  if (url.search !== '' || url.hash !== '')
    throw new TypeError(`FHIR base URL must have no query or fragment: ${baseUrl}`);
  return url.href.replace(/\/+$/, '');
}

/**
 * Resolves a path such as `Patient?_count=50` (or `/metadata`) against the base URL; an absolute URL is
 * accepted only on the base URL's origin, since the request will carry our credentials.
 * @see https://hl7.org/fhir/R4/http.html#general
 */
export function resolveRequestUrl(baseUrl: string, pathOrUrl: string): string {
  if (!isAbsoluteUrl(pathOrUrl)) return `${baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`;
  const url = parseUrl(pathOrUrl);
  if (url === undefined) throw new TypeError(`not a URL: ${pathOrUrl}`);
  if (!isSameOrigin(url.href, baseUrl)) {
    throw new TypeError(`refusing to send credentials for ${baseUrl} to another origin: ${url.origin}`);
  }
  return url.href;
}

/** Whether two absolute URLs share scheme, host and port. */
export function isSameOrigin(url: string, other: string): boolean {
  const a = parseUrl(url);
  const b = parseUrl(other);
  return a !== undefined && b !== undefined && a.origin === b.origin;
}
