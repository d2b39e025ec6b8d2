// A fault-injecting HTTP proxy on 127.0.0.1 for sync tests: seeded and bounded, it answers 429 or 503,
// drops connections mid-body, delays, or rewrites bodies, before or instead of forwarding to the target.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 504; readonly retryAfter?: string }
  | { readonly kind: 'drop-mid-body' }
  | { readonly kind: 'drop-before-response' }
  | { readonly kind: 'delay'; readonly ms: number }
  | {
      readonly kind: 'rewrite';
      readonly transform: (body: string, request: { method: string; url: string }) => string;
    }
  | {
      readonly kind: 'body';
      readonly status: number;
      readonly contentType: string;
      readonly body: Buffer | string;
    };

export type FaultPlan = (request: {
  readonly method: string;
  readonly url: string;
  readonly index: number;
}) => Fault;

export interface FaultProxy {
  /** The proxy's origin plus the target's path prefix, e.g. `http://127.0.0.1:41001/fhir`. */
  readonly baseUrl: string;
  readonly requests: { method: string; url: string; fault: Fault['kind'] }[];
  setPlan(plan: FaultPlan): void;
  /** Severs the link: every request fails at the socket until restored. */
  setOffline(offline: boolean): void;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG so fault sequences repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rewriteLocations(value: string, targetOrigin: string, proxyOrigin: string): string {
  return value.split(targetOrigin).join(proxyOrigin);
}

export async function startFaultProxy(
  targetBaseUrl: string,
  plan: FaultPlan = () => ({ kind: 'pass' }),
): Promise<FaultProxy> {
  const target = new URL(targetBaseUrl);
  let currentPlan = plan;
  let offline = false;
  let proxyOrigin = '';
  let index = 0;
  const requests: FaultProxy['requests'] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, fault: Fault): void => {
    const headers = { ...req.headers, host: target.host };
    delete headers['accept-encoding'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          let payload = Buffer.concat(chunks).toString('utf8');
          payload = rewriteLocations(payload, target.origin, proxyOrigin);
          if (fault.kind === 'rewrite')
            payload = fault.transform(payload, { method: req.method ?? 'GET', url: req.url ?? '' });
          const outHeaders: Record<string, string | string[]> = {};
          for (const [key, value] of Object.entries(upstreamRes.headers)) {
            if (
              value === undefined ||
              key === 'content-length' ||
              key === 'transfer-encoding' ||
              key === 'content-encoding'
            )
              continue;
            outHeaders[key] = Array.isArray(value)
              ? value.map((v) => rewriteLocations(v, target.origin, proxyOrigin))
              : rewriteLocations(value, target.origin, proxyOrigin);
          }
          const buffer = Buffer.from(payload, 'utf8');
          outHeaders['content-length'] = String(buffer.length);
          res.writeHead(upstreamRes.statusCode ?? 502, outHeaders);
          if (fault.kind === 'drop-mid-body') {
            res.write(buffer.subarray(0, Math.floor(buffer.length / 2)));
            res.socket?.destroy();
            return;
          }
          res.end(buffer);
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      if (offline) {
        requests.push({ method, url, fault: 'drop-before-response' });
        req.socket.destroy();
        return;
      }
      const fault = currentPlan({ method, url, index: index++ });
      requests.push({ method, url, fault: fault.kind });
      const body = Buffer.concat(chunks);
      switch (fault.kind) {
        case 'pass':
        case 'rewrite':
        case 'drop-mid-body':
          forward(req, res, body, fault);
          return;
        case 'delay':
          setTimeout(() => {
            forward(req, res, body, { kind: 'pass' });
          }, fault.ms);
          return;
        case 'drop-before-response':
          req.socket.destroy();
          return;
        case 'status': {
          const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
          if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
          res.writeHead(fault.status, headers);
          res.end(
            JSON.stringify({
              resourceType: 'OperationOutcome',
              issue: [{ severity: 'error', code: 'transient', diagnostics: `injected ${fault.status}` }],
            }),
          );
          return;
        }
        case 'body':
          res.writeHead(fault.status, { 'content-type': fault.contentType });
          res.end(fault.body);
          return;
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxyOrigin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${proxyOrigin}${target.pathname.replace(/\/$/, '')}`,
    requests,
    setPlan: (next) => {
      currentPlan = next;
    },
    setOffline: (value) => {
      offline = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
