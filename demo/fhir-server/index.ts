// The demo ICB Shared Care Record / dispatch FHIR R4 server: Medplum's router and memory store behind
// node:http, with its own indexes for what sync clients need at scale. Used by `npm start` and by tests.
import './websocket-shim';
import type { Resource } from '@medplum/fhirtypes';
import type { AddressInfo } from 'node:net';
import { BulkExportManager } from './bulk-export';
import { route } from './fhir-routes';
import { createFhirHttpServer } from './http-layer';
import { IndexedSearch } from './indexed-search';
import { IndexedStore } from './indexed-store';

export interface DemoFhirServerOptions {
  /** Shown in the CapabilityStatement (e.g. 'Trentside ICB Shared Care Record'). */
  readonly name: string;
  /** Default '127.0.0.1'. */
  readonly host?: string;
  /** Default 0 = ephemeral. */
  readonly port?: number;
  /** Serve type/system-level _history; default true. */
  readonly history?: boolean;
  /** Serve $export; default true. */
  readonly bulkExport?: boolean;
}

export interface DemoFhirServer {
  /** 'http://127.0.0.1:PORT/fhir', no trailing slash. */
  readonly baseUrl: string;
  /** Bulk seed keeping the given ids; feeds all indexes and the change log. */
  load(resources: readonly Resource[]): Promise<void>;
  /** Switches type/system `_history` off or on at run time (the CapabilityStatement follows). */
  setHistoryEnabled(enabled: boolean): void;
  /** Live (non-deleted) resources, of one type or all. */
  count(resourceType?: string): number;
  close(): Promise<void>;
}

export async function startDemoFhirServer(options: DemoFhirServerOptions): Promise<DemoFhirServer> {
  const host = options.host ?? '127.0.0.1';
  const store = new IndexedStore();
  const search = new IndexedSearch(store);
  let historyEnabled = options.history ?? true;
  let baseUrl = '';
  const started: { exports?: BulkExportManager } = {};
  const server = createFhirHttpServer(
    () => `http://${host}`,
    (request) => {
      const { exports } = started;
      if (!exports) {
        throw new Error('server not started');
      }
      return route(
        {
          name: options.name,
          baseUrl,
          store,
          search,
          exports,
          bulkExport: options.bulkExport ?? true,
          historyEnabled: () => historyEnabled,
        },
        request,
      );
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}/fhir`;
  const activeExports = new BulkExportManager(store, search, baseUrl);
  started.exports = activeExports;
  return {
    baseUrl,
    load: (resources) => store.load(resources),
    setHistoryEnabled: (enabled) => {
      historyEnabled = enabled;
    },
    count: (resourceType) => store.changes.liveCount(resourceType),
    close: () =>
      new Promise<void>((resolve, reject) => {
        activeExports.close();
        server.close((error) => {
          if (error) {
            reject(error);
          } else {
            resolve();
          }
        });
        server.closeAllConnections();
      }),
  };
}
