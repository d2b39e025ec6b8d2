// Integration set-up for outbox tests (used by test/integration/sync/outbox*.test.ts): a demo FHIR server
// behind the commit-then-drop and fault proxies, FHIR clients for the engine, and server-side checks.
import type { Encounter, Resource } from '@medplum/fhirtypes';
import { startDemoFhirServer, type DemoFhirServer } from '../../../../demo/fhir-server/index';
import { FhirClient } from '../../../../sync/fhir-client';
import { fhirClientRemote, routeNote, toTransaction } from '../../../../sync/outbox';
import type { EncounterNote, OutboxRemote } from '../../../../sync/outbox';
import type { Profile } from '../../../../sync/provisioning-profile';
import { startCommitThenDropProxy, type CommitThenDropProxy } from '../../../support/commit-then-drop';
import { startFaultProxy, type FaultProxy } from '../../../support/fault-proxy';
import { testProfile } from './note-fixtures';
import { noteItemIdentifier } from './outbox-harness';

export interface OutboxWorld {
  readonly server: DemoFhirServer;
  /** Between the fault proxy and the server: swallows answers the server already committed. */
  readonly drop: CommitThenDropProxy;
  /** In front: offline, 5xx, delays. */
  readonly faults: FaultProxy;
  readonly profile: Profile;
  /** A remote whose clients go through both proxies, with no retries of their own. */
  readonly remote: OutboxRemote;
  close(): Promise<void>;
}

export async function startOutboxWorld(): Promise<OutboxWorld> {
  const server = await startDemoFhirServer({ name: 'Trentside ICB Shared Care Record' });
  const drop = await startCommitThenDropProxy(server.baseUrl);
  const faults = await startFaultProxy(drop.baseUrl);
  const profile = testProfile({
    QT1: server.baseUrl,
    QJ2: server.baseUrl,
    QK1: server.baseUrl,
    trust: server.baseUrl,
  });
  const client = new FhirClient({
    baseUrl: faults.baseUrl,
    auth: { type: 'none' },
    timeoutMs: 30_000,
    retry: { maxAttempts: 1 },
  });
  return {
    server,
    drop,
    faults,
    profile,
    remote: fhirClientRemote(() => client),
    close: async () => {
      await faults.close();
      await drop.close();
      await server.close();
    },
  };
}

/** Every resource of `type` on the server, read directly (not through the proxies). */
export async function allOf<T extends Resource>(baseUrl: string, type: T['resourceType']): Promise<T[]> {
  const client = new FhirClient({ baseUrl, auth: { type: 'none' } });
  const out: T[] = [];
  for await (const page of client.pages(`${type}?_count=1000`)) {
    for (const entry of page.bundle.entry)
      if (entry.resource !== undefined) out.push(entry.resource as unknown as T);
  }
  return out;
}

const writtenTypes = [
  'Encounter',
  'Observation',
  'Condition',
  'MedicationAdministration',
  'Procedure',
  'Composition',
] as const;

/** How many resources on the server carry each Kerbside identifier value. */
export async function identifierCounts(baseUrl: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const type of writtenTypes) {
    for (const resource of await allOf(baseUrl, type)) {
      const value = noteItemIdentifier(resource);
      if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  return counts;
}

/** The identifier values a note's transaction writes. */
export function expectedIdentifiers(note: EncounterNote, profile: Profile): string[] {
  const route = routeNote(note, profile);
  if (!route.routable) throw new Error(route.reason);
  return toTransaction(note, { trust: profile.trust, route }).items.map((item) => item.identifier);
}

/** Problems with "each note's resources exist exactly once" (empty when it holds); extra values are reported. */
export async function exactlyOnceProblems(
  baseUrl: string,
  notes: readonly EncounterNote[],
  profile: Profile,
): Promise<string[]> {
  const counts = await identifierCounts(baseUrl);
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const note of notes) {
    for (const value of expectedIdentifiers(note, profile)) {
      expected.add(value);
      const count = counts.get(value) ?? 0;
      if (count !== 1) problems.push(`${value}: ${count} on the server`);
    }
  }
  for (const [value, count] of counts)
    if (!expected.has(value)) problems.push(`${value}: ${count} unexpected`);
  return problems;
}

/** Per patient (NHS number), the Encounters in the order the server stored them: their period starts. */
export async function encounterOrderByPatient(baseUrl: string): Promise<Map<string, string[]>> {
  const encounters = await allOf<Encounter>(baseUrl, 'Encounter');
  encounters.sort((a, b) => (a.meta?.lastUpdated ?? '').localeCompare(b.meta?.lastUpdated ?? ''));
  const order = new Map<string, string[]>();
  for (const encounter of encounters) {
    const patient = encounter.subject?.identifier?.value ?? '?';
    order.set(patient, [...(order.get(patient) ?? []), encounter.period?.start ?? '']);
  }
  return order;
}
