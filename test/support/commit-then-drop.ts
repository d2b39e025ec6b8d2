// A proxy for the "lost response" fault: it forwards the request, lets the server commit and answer, then
// cuts the client's connection without passing the answer on. fault-proxy's drop-before-response never forwards.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CommitThenDropProxy {
  /** The proxy's origin plus the target's path, e.g. `http://127.0.0.1:41002/fhir`. */
  readonly baseUrl: string;
  /** Requests whose response was swallowed after the server answered, with that answer's status. */
  readonly dropped: { method: string; url: string; status: number }[];
  setPlan(plan: DropPlan): void;
  close(): Promise<void>;
}

/** Decides per request (numbered from 0) whether the server's answer is dropped. */
export type DropPlan = (request: {
  readonly method: string;
  readonly url: string;
  readonly index: number;
}) => boolean;

export async function startCommitThenDropProxy(
  targetBaseUrl: string,
  plan: DropPlan = () => false,
): Promise<CommitThenDropProxy> {
  const target = new URL(targetBaseUrl);
  let currentPlan = plan;
  let index = 0;
  const dropped: CommitThenDropProxy['dropped'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const drop = currentPlan({ method, url, index: index++ });
      const headers = { ...req.headers, host: target.host };
      delete headers['accept-encoding'];
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method, path: url, headers },
        (upstreamRes) => {
          const body: Buffer[] = [];
          upstreamRes.on('data', (chunk: Buffer) => body.push(chunk));
          upstreamRes.on('end', () => {
            if (drop) {
              // The server has committed and answered; the client never hears of it.
              dropped.push({ method, url, status: upstreamRes.statusCode ?? 0 });
              req.socket.destroy();
              return;
            }
            const outHeaders: Record<string, string | string[]> = {};
            for (const [key, value] of Object.entries(upstreamRes.headers)) {
              if (value === undefined || key === 'transfer-encoding' || key === 'content-length') continue;
              outHeaders[key] = value;
            }
            const payload = Buffer.concat(body);
            outHeaders['content-length'] = String(payload.length);
            res.writeHead(upstreamRes.statusCode ?? 502, outHeaders);
            res.end(payload);
          });
        },
      );
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    dropped,
    setPlan: (next) => {
      currentPlan = next;
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
