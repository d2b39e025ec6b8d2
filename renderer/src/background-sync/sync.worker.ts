// The background sync worker: opens its own handle on the encrypted store and runs the pull engine with one
// FHIR client per ICB, posting typed events to the page, so the crew's screens never wait on a sync.
import { FhirClient } from '../../../sync/fhir-client';
import type { Profile } from '../../../sync/provisioning-profile';
import { PullEngine, type RunOutcome } from '../../../sync/pull';
import { PatientStore } from '../../../sync/store';
import type { FromWorker, IcbRunResult, SyncReason, ToWorker } from './worker-protocol';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
const post = (message: FromWorker): void => {
  scope.postMessage(message);
};

let engine: PullEngine | undefined;
let store: PatientStore | undefined;
let queued: SyncReason | undefined;
let initialised: Promise<void> | undefined;

async function init(profile: Profile, keyMaterial: Uint8Array, storeName: string): Promise<void> {
  store = await PatientStore.open({ name: storeName, keyMaterial });
  keyMaterial.fill(0);
  engine = new PullEngine({
    profile,
    store,
    remoteFor: (icb) => new FhirClient({ baseUrl: icb.fhirBaseUrl, auth: icb.auth }),
    onEvent: (event) => {
      post({ type: 'pull-event', event });
    },
  });
}

function summarise(outcomes: RunOutcome): Record<string, IcbRunResult> {
  const results: Record<string, IcbRunResult> = {};
  for (const [icb, outcome] of outcomes) {
    results[icb] =
      outcome.kind === 'completed'
        ? { kind: 'completed', lastCompletedAt: outcome.checkpoint.lastCompletedAt }
        : { kind: outcome.kind, message: outcome.message };
  }
  return results;
}

async function run(reason: SyncReason): Promise<void> {
  // Messages posted right after init arrive while the store is still opening.
  await initialised;
  if (engine === undefined) throw new Error('the sync worker was asked to run before init');
  if (engine.running) {
    // One run at a time; a request during a run is served by one more run afterwards.
    queued = reason;
    return;
  }
  post({ type: 'run-started', reason });
  const outcomes = await engine.run();
  const purged = await engine.purgeExpired();
  post({ type: 'run-finished', results: summarise(outcomes), purged });
  const next = queued;
  queued = undefined;
  if (next !== undefined) await run(next);
}

function report(error: unknown): void {
  post({ type: 'worker-error', message: error instanceof Error ? error.message : String(error) });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      initialised = init(message.profile, message.keyMaterial, message.storeName);
      initialised.catch(report);
      break;
    case 'run':
      run(message.reason).catch(report);
      break;
    case 'pause':
      queued = undefined;
      engine?.pause();
      break;
    default: {
      const unexpected: never = message;
      report(new Error(`unknown message ${JSON.stringify(unexpected)}`));
    }
  }
});
