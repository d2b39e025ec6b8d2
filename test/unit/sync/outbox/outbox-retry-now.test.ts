// Back online: notes waiting out a long backoff after offline attempts are sent at once when the outbox is
// told to retry now and the engine is kicked, instead of after the rest of the backoff.
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError } from '../../../../sync/fhir-client';
import type { PushEngine } from '../../../../sync/outbox';
import { makeNote } from './note-fixtures';
import { FakeRemote, makeEngine, openOutbox, recordEvents, sentCount } from './outbox-harness';

const engines: PushEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});

describe('Outbox.retryNow', () => {
  it('makes a note in a 60 s backoff due now, so a kick sends it at once', async () => {
    const { outbox } = await openOutbox();
    const remote = new FakeRemote();
    let online = false;
    remote.behaviour = () =>
      online
        ? Promise.resolve('ok')
        : Promise.reject(new NetworkError('https://north.example/fhir', new Error('offline')));
    const events = recordEvents(outbox);
    const engine = makeEngine(outbox, remote, { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    engines.push(engine);
    await outbox.save(makeNote(1));
    engine.start();
    await events.until((log) => log.some((event) => event.type === 'retry-scheduled'));
    online = true;
    expect(await outbox.retryNow()).toBe(1);
    const started = Date.now();
    engine.kick();
    await events.until((log) => sentCount(log) === 1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await outbox.get(makeNote(1).id, 1))?.state).toBe('sent');
    expect(await outbox.retryNow()).toBe(0);
  });
});
