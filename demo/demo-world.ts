// Starts the whole demo world in this process: one Shared Care Record server per ICB, loaded with the
// synthetic population, plus the trust's dispatch server. Used by `npm start` and by tests.
import { startDemoFhirServer, type DemoFhirServer } from './fhir-server/index';
import { generatePopulation, type Population } from './population/index';
import { buildDemoProfile, type DemoEndpoints } from './profiles';
import { demoIcbs, type DemoIcb } from './world';
import type { Profile } from '../sync/provisioning-profile';

export interface DemoWorldOptions {
  readonly patients: number;
  readonly seed: number;
  readonly host?: string;
  /** 0 (or absent) for an ephemeral port. */
  readonly ports?: Partial<Readonly<Record<DemoIcb['key'] | 'dispatch', number>>>;
  readonly history?: boolean;
}

export interface DemoWorldIcb {
  readonly icb: DemoIcb;
  readonly server: DemoFhirServer;
}

export interface DemoWorld {
  readonly population: Population;
  readonly icbs: readonly DemoWorldIcb[];
  readonly dispatch: DemoFhirServer;
  readonly endpoints: DemoEndpoints;
  readonly profiles: { readonly crew: Profile; readonly controlRoom: Profile };
  close(): Promise<void>;
}

export async function startDemoWorld(options: DemoWorldOptions): Promise<DemoWorld> {
  const population = generatePopulation({ seed: options.seed, patients: options.patients });
  const started: DemoFhirServer[] = [];
  try {
    const icbs: DemoWorldIcb[] = [];
    for (const icb of demoIcbs) {
      const server = await startDemoFhirServer({
        name: `${icb.name} Shared Care Record`,
        host: options.host,
        port: options.ports?.[icb.key] ?? 0,
        history: options.history ?? true,
      });
      started.push(server);
      await server.load(population.records[icb.key]);
      icbs.push({ icb, server });
    }
    const dispatch = await startDemoFhirServer({
      name: 'Trust dispatch (control-room Tasks)',
      host: options.host,
      port: options.ports?.dispatch ?? 0,
    });
    started.push(dispatch);
    const endpoints: DemoEndpoints = {
      icbs: Object.fromEntries(icbs.map(({ icb, server }) => [icb.key, server.baseUrl])) as Record<
        DemoIcb['key'],
        string
      >,
      dispatch: dispatch.baseUrl,
    };
    return {
      population,
      icbs,
      dispatch,
      endpoints,
      profiles: {
        crew: buildDemoProfile('crew', endpoints),
        controlRoom: buildDemoProfile('control-room', endpoints),
      },
      close: async () => {
        await Promise.all(started.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.close()));
    throw error;
  }
}
