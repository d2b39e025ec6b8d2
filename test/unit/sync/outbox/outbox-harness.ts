// Shared set-up for outbox tests: an outbox on fake-indexeddb, a fake remote that answers transactions like a
// FHIR server (with scriptable failures and delays), and helpers to wait for events.
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { NOTE_ITEM_SYSTEM, Outbox, PushEngine } from '../../../../sync/outbox';
import type { OutboxEvent, OutboxRemote, PushEngineOptions, RouteTarget } from '../../../../sync/outbox';
import type { Profile } from '../../../../sync/provisioning-profile';
import { testKey, testProfile } from './note-fixtures';

let counter = 0;

/** The Kerbside identifier value of a resource (a list, or a single one on Composition). */
export function noteItemIdentifier(resource: unknown): string | undefined {
  const raw = (resource as { identifier?: unknown } | undefined)?.identifier;
  const list = (Array.isArray(raw) ? raw : [raw]) as ({ system?: string; value?: string } | undefined)[];
  return list.find((identifier) => identifier?.system === NOTE_ITEM_SYSTEM)?.value;
}

export async function openOutbox(
  factory: IDBFactory = new IDBFactory(),
  name = `outbox-test-${counter++}`,
  profile: Profile = testProfile(),
  now?: () => number,
): Promise<{ outbox: Outbox; factory: IDBFactory; name: string }> {
  const outbox = await Outbox.open({
    name,
    keyMaterial: testKey,
    indexedDB: factory,
    IDBKeyRange,
    profile,
    ...(now === undefined ? {} : { now }),
  });
  return { outbox, factory, name };
}

/** A transaction-response as a FHIR server would give it: each entry created with id = its identifier. */
export function transactionResponse(bundle: Bundle): { status: number; body: Bundle } {
  const entry: BundleEntry[] = (bundle.entry ?? []).map((request) => {
    const identifier = noteItemIdentifier(request.resource) ?? 'x';
    const id = identifier.replace(/[^A-Za-z0-9\-.]/g, '-');
    return {
      response: {
        status: '201 Created',
        location: `${request.resource?.resourceType ?? ''}/${id}/_history/1`,
      },
      resource: { ...(request.resource as object), id, meta: { versionId: '1' } } as BundleEntry['resource'],
    };
  });
  return { status: 200, body: { resourceType: 'Bundle', type: 'transaction-response', entry } };
}

export interface FakeCall {
  readonly noteId: string;
  readonly target: RouteTarget;
  readonly startedAt: number;
}

/** A scriptable fake server: `behaviour` decides each call's answer (default: success). */
export class FakeRemote implements OutboxRemote {
  readonly calls: FakeCall[] = [];
  readonly inFlight = new Map<string, number>();
  maxConcurrentPerNote = 0;
  behaviour: (noteId: string, attempt: number) => Promise<{ status: number; body: unknown } | 'ok'> = () =>
    Promise.resolve('ok');

  async transaction(target: RouteTarget, bundle: Bundle): Promise<{ status: number; body: unknown }> {
    const noteId = noteItemIdentifier(bundle.entry?.[0]?.resource) ?? '';
    const attempt = this.calls.filter((call) => call.noteId === noteId).length + 1;
    this.calls.push({ noteId, target, startedAt: performance.now() });
    const running = (this.inFlight.get(noteId) ?? 0) + 1;
    this.inFlight.set(noteId, running);
    this.maxConcurrentPerNote = Math.max(this.maxConcurrentPerNote, running);
    try {
      const answer = await this.behaviour(noteId, attempt);
      return answer === 'ok' ? transactionResponse(bundle) : answer;
    } finally {
      this.inFlight.set(noteId, (this.inFlight.get(noteId) ?? 1) - 1);
    }
  }
}

export function makeEngine(
  outbox: Outbox,
  remote: OutboxRemote,
  options: Partial<PushEngineOptions> = {},
): PushEngine {
  return new PushEngine({
    outbox,
    remote,
    trust: { odsCode: 'RX9', name: 'Midlands Demo Ambulance Service NHS Trust' },
    pollMs: 50,
    leaseMs: 2000,
    backoff: { baseMs: 10, maxMs: 80 },
    ...options,
  });
}

/** Records every event of an outbox; `until` resolves when a predicate over the log holds. */
export function recordEvents(outbox: Outbox): {
  readonly log: OutboxEvent[];
  until(predicate: (log: readonly OutboxEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): void;
} {
  const log: OutboxEvent[] = [];
  const waiters = new Set<() => void>();
  const stop = outbox.on((event) => {
    log.push(event);
    for (const waiter of [...waiters]) waiter();
  });
  return {
    log,
    stop,
    until: (predicate, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate(log)) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; last events: ${JSON.stringify(log.slice(-5))}`));
        }, timeoutMs);
        const check = (): void => {
          if (!predicate(log)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
  };
}

export const sentCount = (log: readonly OutboxEvent[]): number =>
  log.filter((event) => event.type === 'sent').length;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
