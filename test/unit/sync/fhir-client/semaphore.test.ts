import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../../sync/fhir-client/semaphore';

describe('Semaphore', () => {
  it('grants permits in arrival order once they are released', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const first = await semaphore.acquire();
    const second = semaphore.acquire().then((release) => {
      order.push('second');
      return release;
    });
    const third = semaphore.acquire().then((release) => {
      order.push('third');
      return release;
    });

    first();
    (await second)();
    (await third)();

    expect(order).toEqual(['second', 'third']);
  });

  it('stops waiting when the signal aborts, without losing the permit', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);

    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });

    held();
    held(); // releasing twice does not create a second permit
    const again = await semaphore.acquire();
    let extra = false;
    void semaphore.acquire().then(() => {
      extra = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(extra).toBe(false);
    again();
  });
});
