// The number of finished encounter notes waiting to be sent. The outbox arrives with a later issue; until
// then there is nothing queued on this device, and the home screen says so rather than inventing a number.

/** Notes waiting in the outbox; 0 until encounter notes exist (sync/outbox). */
export function noteQueueCount(): Promise<number> {
  return Promise.resolve(0);
}

/** Pre-arrival requests from the control room waiting for this crew; none until pre-arrival exists. */
export function preArrivalCount(): Promise<number> {
  return Promise.resolve(0);
}
