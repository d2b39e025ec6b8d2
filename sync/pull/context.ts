// What every step of one ICB's pull shares: its configuration, the two ports, the clock and the event sink.
import type { Resource } from '@medplum/fhirtypes';
import type { IcbConfig } from '../provisioning-profile';
import type { CohortRule } from './cohort';
import type { LocalStore, RemoteFhir } from './ports';
import type { PullEvent, PullPhase } from './types';

export interface IcbPullContext {
  readonly icb: IcbConfig;
  readonly remote: RemoteFhir;
  readonly store: LocalStore;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  readonly emit: (event: PullEvent) => void;
  readonly chunkSize: number;
  readonly pageSize: number;
  readonly maxResourceBytes: number;
  /** Shared resources (GP practices, Medications) seen during this run, by `Type/id`. */
  readonly sharedCache: Map<string, Resource>;
  rule?: CohortRule;
  readonly progress: ProgressTracker;
}

/** Counts work done and derives rate and ETA for progress events. */
export class ProgressTracker {
  private startedAt = 0;
  patientsDone = 0;
  patientsExpected: number | undefined;
  changes = 0;
  deleted = 0;
  quarantined = 0;
  bytes = 0;
  phase: PullPhase = 'cohort';

  constructor(
    private readonly icb: string,
    private readonly clock: () => number,
    private readonly emit: (event: PullEvent) => void,
  ) {}

  begin(phase: PullPhase, expected?: number): void {
    this.phase = phase;
    this.startedAt = this.clock();
    this.patientsExpected = expected;
  }

  report(): void {
    const seconds = Math.max((this.clock() - this.startedAt) / 1000, 0.001);
    const ratePerSecond = this.patientsDone / seconds;
    const remaining =
      this.patientsExpected === undefined ? undefined : this.patientsExpected - this.patientsDone;
    this.emit({
      type: 'progress',
      icb: this.icb,
      phase: this.phase,
      patientsDone: this.patientsDone,
      patientsExpected: this.patientsExpected,
      changes: this.changes,
      bytes: this.bytes,
      ratePerSecond,
      etaSeconds: remaining === undefined || ratePerSecond === 0 ? undefined : remaining / ratePerSecond,
    });
  }

  elapsedMs(): number {
    return this.clock() - this.startedAt;
  }
}
