// The node:http edge: CORS, body limits and JSON parsing, gzip, and turning every error into an
// OperationOutcome so that bad input never takes the process down.
import './websocket-shim';
import {
  getStatus,
  isOperationOutcome,
  normalizeOperationOutcome,
  OperationOutcomeError,
} from '@medplum/core';
import type { HttpMethod } from '@medplum/fhir-router';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import type { FhirReply } from './outcomes';
import { badRequest, FhirHttpError, httpError, operationOutcome } from './outcomes';

export const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Oversized bodies are read and discarded up to here so the client sees the 413; beyond, the socket is cut. */
const DRAIN_CAP_BYTES = 10 * MAX_BODY_BYTES;
const GZIP_THRESHOLD = 8 * 1024;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ALLOW_HEADERS =
  'Authorization, Content-Type, Prefer, If-Match, If-None-Exist, If-None-Match, Accept, Accept-Encoding';
const EXPOSE_HEADERS = 'Location, Content-Location, ETag, Last-Modified, Retry-After, X-Progress';
const gzipAsync = promisify(gzip);

export interface ParsedRequest {
  readonly method: HttpMethod;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly form: URLSearchParams | undefined;
  readonly url: string;
}

export type RequestHandler = (request: ParsedRequest) => Promise<FhirReply>;

/** An HTTP server that serves FHIR below `/fhir` with `handler`. */
export function createFhirHttpServer(origin: () => string, handler: RequestHandler): Server {
  return createServer((req, res) => {
    handle(req, res, origin, handler).catch((error: unknown) => {
      // Last resort: the response may be half written (e.g. a client closed a stream).
      console.error('demo FHIR server: unexpected error', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': FHIR_JSON });
        res.end(JSON.stringify(operationOutcome('fatal', 'exception', 'Internal error')));
      } else {
        res.destroy();
      }
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  origin: () => string,
  handler: RequestHandler,
): Promise<void> {
  setCors(req, res);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': METHODS.join(', '),
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return;
  }
  let reply: FhirReply;
  try {
    reply = await handler(await parseRequest(req, origin()));
  } catch (error) {
    reply = errorReply(error);
    if (reply.status === 413) {
      res.setHeader('Connection', 'close');
    }
  }
  await send(req, res, reply);
}

function setCors(req: IncomingMessage, res: ServerResponse): void {
  const requestOrigin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', requestOrigin ?? '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  res.setHeader('Vary', 'Origin, Accept-Encoding');
}

async function parseRequest(req: IncomingMessage, origin: string): Promise<ParsedRequest> {
  const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
  if (!METHODS.includes(method)) {
    throw httpError(405, 'not-supported', `Method ${method} is not supported`);
  }
  const url = new URL(req.url ?? '/', origin);
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '/fhir' && !path.startsWith('/fhir/')) {
    throw httpError(404, 'not-found', `Not found: ${url.pathname} (FHIR is served below /fhir)`);
  }
  let segments: string[];
  try {
    segments = path
      .slice('/fhir'.length)
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent);
  } catch {
    throw badRequest('Malformed URL path');
  }
  const text = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  let body: unknown;
  let form: URLSearchParams | undefined;
  if (text.trim() !== '') {
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      form = new URLSearchParams(text);
    } else {
      try {
        body = JSON.parse(text) as unknown;
      } catch (error) {
        throw badRequest(`Malformed JSON body: ${error instanceof Error ? error.message : 'parse error'}`);
      }
    }
  }
  return { method, segments, query: url.searchParams, headers: req.headers, body, form, url: url.toString() };
}

/** Reads the body up to the limit; an oversized body is drained (up to a hard cap) and answered with 413. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = Number(req.headers['content-length'] ?? '0') > MAX_BODY_BYTES ? MAX_BODY_BYTES + 1 : 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      } else if (size > DRAIN_CAP_BYTES) {
        req.destroy();
      }
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(httpError(413, 'too-costly', `Request body over ${MAX_BODY_BYTES} bytes`));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
  });
}

function errorReply(error: unknown): FhirReply {
  if (error instanceof FhirHttpError) {
    return { status: error.status, body: error.outcome };
  }
  if (error instanceof OperationOutcomeError || isOperationOutcome(error)) {
    const outcome = normalizeOperationOutcome(error);
    return { status: getStatus(outcome), body: outcome };
  }
  console.error('demo FHIR server: handler error', error);
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: operationOutcome('fatal', 'exception', `Internal error: ${message}`) };
}

function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
}

async function send(req: IncomingMessage, res: ServerResponse, reply: FhirReply): Promise<void> {
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    res.setHeader(name, value);
  }
  if (reply.stream) {
    res.setHeader('Content-Type', reply.stream.contentType);
    let out: Writable = res;
    if (acceptsGzip(req)) {
      res.setHeader('Content-Encoding', 'gzip');
      const zip = createGzip({ level: 1 });
      zip.pipe(res);
      out = zip;
    }
    res.writeHead(reply.status);
    await reply.stream.write(out);
    out.end();
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.setHeader(
    'Content-Type',
    typeof reply.body === 'string' ? 'application/json; charset=utf-8' : FHIR_JSON,
  );
  if (text.length > GZIP_THRESHOLD && acceptsGzip(req)) {
    const zipped = await gzipAsync(text, { level: 1 });
    res.writeHead(reply.status, { 'Content-Encoding': 'gzip', 'Content-Length': zipped.length });
    res.end(zipped);
    return;
  }
  res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
