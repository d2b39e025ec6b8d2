// A counting semaphore bounding the requests one FHIR client has in flight to its server (DESIGN.md section 4).
import { abortReason } from './retry';

/** Releases a permit; calling it more than once has no further effect. */
export type Release = () => void;

/** FIFO counting semaphore; waiting for a permit can be cancelled with an AbortSignal. */
export class Semaphore {
  private available: number;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError('permits must be a positive integer');
    this.available = permits;
  }

  /** Resolves with a release function once a permit is free; rejects if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // Hand the permit straight to the next waiter so a newcomer cannot overtake it.
      if (next === undefined) this.available += 1;
      else next.grant();
    };
  }
}
