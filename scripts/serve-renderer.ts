// Builds the renderer and serves it on localhost for a browser, with the device's provisioning profile beside it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build, preview, type Plugin } from 'vite';
import type { Profile } from '../sync/provisioning-profile';

export interface RendererServer {
  readonly url: string;
  close(): Promise<void>;
}

function provisioningPlugin(profile: Profile): Plugin {
  const body = JSON.stringify(profile);
  return {
    name: 'kerbside-provisioning',
    configurePreviewServer(server) {
      server.middlewares.use('/provisioning/profile.json', (_req: IncomingMessage, res: ServerResponse) => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(body);
      });
    },
  };
}

export async function buildRenderer(): Promise<void> {
  await build({ logLevel: 'warn' });
}

export async function serveRenderer(options: {
  readonly host: string;
  readonly port: number;
  readonly profile: Profile;
}): Promise<RendererServer> {
  const server = await preview({
    logLevel: 'warn',
    plugins: [provisioningPlugin(options.profile)],
    preview: { host: options.host, port: options.port, strictPort: options.port !== 0 },
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('renderer server has no TCP address');
  return {
    url: `http://${options.host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.httpServer.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
