// The push engine against a fake remote: per-patient FIFO under random completion order (fast-check),
// backoff, parking on 422 with the OperationOutcome, pausing on 401, retention and lease exclusivity.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FhirHttpError, NetworkError, UnauthorizedError } from '../../../../sync/fhir-client';
import { backoffDelay } from '../../../../sync/outbox';
import type { PushEngine } from '../../../../sync/outbox';
import { dumpIndexedDb } from '../../../support/dump-indexeddb';
import { makeNote, testProfile } from './note-fixtures';
import { FakeRemote, makeEngine, openOutbox, recordEvents, sentCount, sleep } from './outbox-harness';

const engines: PushEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});
function started(engine: PushEngine): PushEngine {
  engines.push(engine);
  engine.start();
  return engine;
}

describe('backoffDelay', () => {
  it('doubles up to the cap with jitter in [cap/2, cap)', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 9].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(399);
  });
});

describe('PushEngine', () => {
  it("never lets a patient's later note overtake an earlier one, whatever order responses come back in", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        async (patients, delays, failEvery) => {
          const { outbox } = await openOutbox();
          const remote = new FakeRemote();
          const acked = new Set<string>();
          const patientOf = new Map<string, number>();
          const ids: string[] = [];
          const overtaken: string[] = [];
          let call = 0;
          remote.behaviour = async (noteId) => {
            // When a note is attempted, every earlier note of its patient must already be acknowledged.
            const patient = patientOf.get(noteId);
            const earlier = ids.slice(0, ids.indexOf(noteId)).filter((id) => patientOf.get(id) === patient);
            for (const id of earlier) if (!acked.has(id)) overtaken.push(`${noteId} before ${id}`);
            call++;
            await sleep(delays[call % delays.length] ?? 0);
            if (failEvery > 0 && call % (failEvery + 2) === 0)
              throw new NetworkError('fake', new Error('reset'));
            return 'ok';
          };
          const events = recordEvents(outbox);
          outbox.on((event) => {
            if (event.type === 'sent') acked.add(event.noteId);
          });
          for (const [n, patient] of patients.entries()) {
            const note = makeNote(n, patient);
            ids.push(note.id);
            patientOf.set(note.id, patient);
            await outbox.save(note);
          }
          const engine = started(
            makeEngine(outbox, remote, { concurrency: 3, backoff: { baseMs: 2, maxMs: 10 } }),
          );
          await events.until((log) => sentCount(log) === patients.length);
          await engine.stop();
          expect(overtaken).toEqual([]);
          expect(acked.size).toBe(patients.length);
          expect(await outbox.counts()).toMatchObject({ queued: 0, sending: 0, sent: patients.length });
          outbox.close();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('retries network errors with growing delays and then delivers', async () => {
    const { outbox } = await openOutbox();
    const remote = new FakeRemote();
    remote.behaviour = (_noteId, attempt) =>
      attempt <= 3
        ? Promise.reject(new NetworkError('https://north.example/fhir', new Error('offline')))
        : Promise.resolve('ok');
    const events = recordEvents(outbox);
    await outbox.save(makeNote(1));
    started(makeEngine(outbox, remote, { random: () => 0, backoff: { baseMs: 40, maxMs: 1000 } }));
    await events.until((log) => sentCount(log) === 1);
    const delays = events.log.flatMap((event) => (event.type === 'retry-scheduled' ? [event.delayMs] : []));
    expect(delays).toEqual([20, 40, 80]);
    expect(events.log.filter((event) => event.type === 'offline').length).toBe(3);
    expect(remote.calls.length).toBe(4);
  });

  it("parks a note the server rejects with 422, keeping the server's OperationOutcome, and sends the others", async () => {
    const { outbox } = await openOutbox();
    const remote = new FakeRemote();
    const bad = makeNote(2, 1);
    let fixed = false;
    remote.behaviour = (noteId) =>
      noteId === bad.id && !fixed
        ? Promise.reject(
            new FhirHttpError(422, 'https://north.example/fhir', {
              resourceType: 'OperationOutcome',
              issue: [
                {
                  severity: 'error',
                  code: 'structure',
                  diagnostics: 'Observation.valueQuantity.value must be a number',
                },
              ],
            }),
          )
        : Promise.resolve('ok');
    const events = recordEvents(outbox);
    await outbox.save(makeNote(1, 0));
    await outbox.save(bad);
    await outbox.save(makeNote(3, 1));
    await outbox.save(makeNote(4, 2));
    started(makeEngine(outbox, remote));
    await events.until(
      (log) => sentCount(log) === 3 && log.some((event) => event.type === 'needs-attention'),
    );
    expect(await outbox.counts()).toMatchObject({ sent: 3, needsAttention: 1, queued: 0 });
    const parked = await outbox.get(bad.id, 1);
    expect(parked?.state).toBe('needs-attention');
    expect(parked?.problem).toBe('Observation.valueQuantity.value must be a number');
    fixed = true;
    expect(await outbox.resend(bad.id)).toBe(true);
    await events.until((log) => sentCount(log) === 4);
    expect((await outbox.get(bad.id, 1))?.state).toBe('sent');
  });

  it('sends an amendment that fixes a refused note, and the refused version no longer waits or counts', async () => {
    const { outbox } = await openOutbox();
    const remote = new FakeRemote();
    const bad = makeNote(5, 1);
    remote.behaviour = (noteId, attempt) =>
      noteId === bad.id && attempt === 1
        ? Promise.reject(
            new FhirHttpError(422, 'https://north.example/fhir', {
              resourceType: 'OperationOutcome',
              issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Encounter.period is invalid' }],
            }),
          )
        : Promise.resolve('ok');
    const events = recordEvents(outbox);
    await outbox.save(bad);
    started(makeEngine(outbox, remote));
    await events.until((log) => log.some((event) => event.type === 'needs-attention'));
    await outbox.save({ ...bad, version: 2, presentingComplaint: 'Fall at home, period corrected' });
    await events.until((log) => sentCount(log) === 1);
    expect(await outbox.get(bad.id, 1)).toBeUndefined();
    expect((await outbox.get(bad.id, 2))?.state).toBe('sent');
    expect(await outbox.counts()).toMatchObject({ sent: 1, needsAttention: 0, queued: 0 });
  });

  it('pauses (never drops) on 401, holds back that target, and resumes after sign-in', async () => {
    const { outbox } = await openOutbox();
    const remote = new FakeRemote();
    let signedIn = false;
    remote.behaviour = () =>
      signedIn
        ? Promise.resolve('ok')
        : Promise.reject(new UnauthorizedError('https://north.example/fhir', { status: 401 }));
    const events = recordEvents(outbox);
    for (let n = 0; n < 3; n++) await outbox.save(makeNote(n, n));
    started(makeEngine(outbox, remote, { concurrency: 1 }));
    await events.until((log) => log.some((event) => event.type === 'paused'));
    await sleep(200);
    expect(remote.calls.length).toBe(1);
    expect(await outbox.counts()).toMatchObject({ paused: 1, queued: 2, sent: 0 });
    const paused = events.log.find((event) => event.type === 'paused');
    expect(paused).toMatchObject({ reason: 'unauthorized', target: 'https://north.example/fhir' });
    signedIn = true;
    expect(await outbox.resumePaused()).toBe(1);
    await events.until((log) => sentCount(log) === 3);
  });

  it('never sends one note from two engines on the same database at once, and hands over on stop', async () => {
    const { outbox: first, factory, name } = await openOutbox();
    const { outbox: second } = await openOutbox(factory, name);
    const remote = new FakeRemote();
    remote.behaviour = async () => {
      await sleep(5);
      return 'ok';
    };
    const events = recordEvents(first);
    const otherEvents = recordEvents(second);
    for (let n = 0; n < 20; n++) await first.save(makeNote(n, n % 5));
    const a = started(makeEngine(first, remote, { holderId: 'window-a', leaseMs: 300 }));
    started(makeEngine(second, remote, { holderId: 'window-b', leaseMs: 300 }));
    await events.until((log) => sentCount(log) >= 5);
    await a.stop();
    await otherEvents.until(() => false, 50).catch(() => undefined);
    await events.until(() => true);
    const total = (): number => sentCount(events.log) + sentCount(otherEvents.log);
    for (let wait = 0; wait < 100 && total() < 20; wait++) await sleep(50);
    expect(total()).toBe(20);
    expect(remote.maxConcurrentPerNote).toBe(1);
    expect(new Set(remote.calls.map((call) => call.noteId)).size).toBe(20);
    expect(remote.calls.length).toBe(20);
    expect(sentCount(otherEvents.log)).toBeGreaterThan(0);
  });

  it('keeps an acknowledged note for the retention window, then purges it; drafts and unsent notes stay', async () => {
    let now = Date.parse('2025-03-01T12:00:00Z');
    const { outbox } = await openOutbox(undefined, undefined, testProfile(), () => now);
    const remote = new FakeRemote();
    const events = recordEvents(outbox);
    await outbox.save(makeNote(1));
    await outbox.save({ ...makeNote(2, 1), status: 'draft' });
    const engine = started(makeEngine(outbox, remote, { now: () => now }));
    await events.until((log) => sentCount(log) === 1);
    await engine.stop();
    now += 23 * 3_600_000;
    expect(await outbox.purge()).toBe(0);
    now += 3_600_000;
    expect(await outbox.purge()).toBe(1);
    expect(await outbox.counts()).toMatchObject({ sent: 0, drafts: 1 });
  });

  it('stores nothing readable about the patient', async () => {
    const { outbox, factory, name } = await openOutbox();
    const note = makeNote(5, 3);
    await outbox.save(note);
    const dump = await dumpIndexedDb(factory, name);
    for (const secret of [
      note.patient.nhsNumber ?? '',
      'Shortness of breath',
      'Asthma',
      'Salbutamol',
      'anxious',
      'patient-3',
    ])
      expect(dump).not.toContain(secret);
  });
});
