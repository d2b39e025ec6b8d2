import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoWorld } from '../../../demo/demo-world';
import { seededRandom } from '../../support/fault-proxy';
import { dumpStore, makeEngine, openTestStore, reopenStore, startWorld } from './pull-harness';

const icbCodes = ['QT1', 'QJ2', 'QK1'];

describe('pre-cache crash and resume', () => {
  let world: DemoWorld;
  let reference: Awaited<ReturnType<typeof dumpStore>>;
  let requestsInFullRun = 0;

  beforeAll(async () => {
    world = await startWorld(200);
    const { store } = await openTestStore();
    const counting: typeof fetch = (input, init) => {
      requestsInFullRun++;
      return fetch(input, init);
    };
    const { engine } = makeEngine(world.profiles.crew, store, { client: { fetch: counting } });
    await engine.run();
    reference = await dumpStore(store, icbCodes);
    store.close();
  });

  afterAll(async () => {
    await world.close();
  });

  it('stops at 25 seeded random points and, resumed, ends exactly as an uninterrupted run', async () => {
    const random = seededRandom(2026);
    expect(requestsInFullRun).toBeGreaterThan(20);
    for (let trial = 0; trial < 25; trial++) {
      const stopAfter = 1 + Math.floor(random() * requestsInFullRun);
      const { store, factory, name } = await openTestStore();
      let seen = 0;
      const control: { stop?: () => void } = {};
      const interrupting: typeof fetch = (input, init) => {
        seen++;
        if (seen === stopAfter) control.stop?.();
        return fetch(input, init);
      };
      const first = makeEngine(world.profiles.crew, store, { client: { fetch: interrupting } });
      control.stop = () => {
        first.engine.pause();
      };
      await first.engine.run();
      store.close();

      // A new process: the store reopened from disk, a new engine.
      const reopened = await reopenStore(factory, name);
      const second = makeEngine(world.profiles.crew, reopened);
      const outcome = await second.engine.run();
      for (const code of icbCodes)
        expect(outcome.get(code)?.kind, `trial ${trial}, stop after ${stopAfter}`).toBe('completed');
      expect(await dumpStore(reopened, icbCodes), `trial ${trial}, stop after ${stopAfter}`).toEqual(
        reference,
      );
      reopened.close();
    }
  });
});
