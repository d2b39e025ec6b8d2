// The crew device's pre-arrival inbox (DESIGN.md section 7): polls the dispatch server for the open Tasks
// addressed to its callsign, keeps them sealed on the device for offline use, tells the server they were
// received (and accepted, when the crew says so), and fetches each patient's records from every ICB, since
// the control room may send the vehicle to someone outside the cached area.
import { FhirHttpError } from '../fhir-client/errors';
import type { RemoteFhir } from '../pull';
import { fetchPatientByNhsNumber } from '../pull';
import type { FetchedRecord, FetchedRecords, PreArrivalStore, RequestRow } from './prearrival-store';
import { rank } from './prearrival-store';
import {
  openRequestsQuery,
  readPreArrivalTask,
  type ActiveStatus,
  type PreArrivalRequest,
  type TaskReading,
} from './task';

export type DispatchRemote = Pick<RemoteFhir, 'pages' | 'request'>;

export interface InboxIcb {
  readonly odsCode: string;
  readonly name: string;
  readonly remote: RemoteFhir;
}

export interface PreArrivalInboxOptions {
  readonly store: PreArrivalStore;
  readonly callsign: string;
  readonly dispatch: DispatchRemote;
  readonly icbs: readonly InboxIcb[];
  readonly now?: () => Date;
  /** Tasks per page of the poll; default 50. */
  readonly pageSize?: number;
  /** An ICB that could not be asked for a patient is asked again after this long; default 2 minutes. */
  readonly refetchAfterMs?: number;
}

/** One request as the crew sees it. */
export interface PreArrivalItem {
  readonly request: PreArrivalRequest;
  /** The device's view: the status set here if the server has not confirmed it yet. */
  readonly status: ActiveStatus;
  /** False while a status set on the device waits to reach the dispatch server. */
  readonly confirmed: boolean;
  readonly receivedAt: Date;
  readonly records?: FetchedRecords;
  readonly recordsAt?: Date;
}

export interface PollResult {
  /** Open, unexpired requests for this vehicle on the server. */
  readonly open: number;
  /** Task ids this device had not seen before. */
  readonly added: readonly string[];
  /** Requests removed because the server no longer has them open (cancelled, completed, expired). */
  readonly removed: number;
  /** Tasks addressed here that could not be read, with why; they are not shown. */
  readonly refused: readonly { readonly taskId?: string; readonly reason: string }[];
  /** Status updates the server did not take; they are tried again at the next poll. */
  readonly statusFailures: readonly { readonly taskId: string; readonly message: string }[];
}

const PRIORITY_ORDER = { stat: 0, asap: 1, urgent: 2, routine: 3 } as const;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PreArrivalInbox {
  private readonly now: () => Date;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PreArrivalInboxOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Runs one step at a time, so a poll and an accept never send the same Task's status together. */
  private exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.tail.then(step, step);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Reads every open request for this vehicle. Nothing on the device changes unless the whole list was read:
   * a failure (offline, refused) is thrown and the stored requests stay as they were.
   */
  poll(signal?: AbortSignal): Promise<PollResult> {
    return this.exclusive(async () => {
      const { store, callsign, dispatch } = this.options;
      const received: Extract<TaskReading, { ok: true }>[] = [];
      const refused: { taskId?: string; reason: string }[] = [];
      const query = openRequestsQuery(callsign, this.options.pageSize ?? 50);
      for await (const page of dispatch.pages(query, signal === undefined ? {} : { signal })) {
        for (const entry of page.bundle.entry) {
          if (entry.search?.mode !== undefined && entry.search.mode !== 'match') continue;
          const reading = readPreArrivalTask(entry.resource, callsign);
          if (reading.ok) received.push(reading);
          else refused.push(reading.taskId === undefined ? { reason: reading.reason } : reading);
        }
      }
      const now = this.now().getTime();
      const before = new Set((await store.rows()).map((row) => row.taskId));
      const open = received.filter((reading) => Date.parse(reading.request.expiresAt) > now);
      for (const { request, task } of open) await store.saveFromServer({ request, task }, now);
      const openIds = new Set(open.map((reading) => reading.request.taskId));
      const removed = await store.remove([...before].filter((taskId) => !openIds.has(taskId)));
      await store.purgeExpired(now);
      const statusFailures = await this.sendStatuses(signal);
      await this.fetchRecords(signal);
      return {
        open: open.length,
        added: [...openIds].filter((taskId) => !before.has(taskId)),
        removed,
        refused,
        statusFailures,
      };
    });
  }

  /** The crew accepts a request: kept on the device at once, sent now if there is signal, else at the next poll. */
  accept(taskId: string, signal?: AbortSignal): Promise<void> {
    return this.exclusive(async () => {
      const row = await this.options.store.setPending(taskId, 'accepted');
      if (row === undefined) throw new Error('This pre-arrival request is no longer on the device');
      await this.sendStatus(row, signal).catch(() => undefined);
    });
  }

  /** Unexpired requests, most urgent first, then newest. */
  async list(): Promise<PreArrivalItem[]> {
    const { store } = this.options;
    const now = this.now().getTime();
    const rows = (await store.rows()).filter((row) => row.expiresAt > now);
    const items = await Promise.all(
      rows.map(async (row): Promise<PreArrivalItem> => {
        const [body, records] = await Promise.all([store.openBody(row), store.openRecords(row)]);
        return {
          request: body.request,
          status: row.pendingStatus ?? row.serverStatus,
          confirmed: row.pendingStatus === undefined,
          receivedAt: new Date(row.receivedAt),
          ...(records === undefined ? {} : { records }),
          ...(row.recordsAt === undefined ? {} : { recordsAt: new Date(row.recordsAt) }),
        };
      }),
    );
    return items.sort(
      (a, b) =>
        PRIORITY_ORDER[a.request.priority] - PRIORITY_ORDER[b.request.priority] ||
        Date.parse(b.request.authoredOn) - Date.parse(a.request.authoredOn),
    );
  }

  private async sendStatuses(signal: AbortSignal | undefined) {
    const failures: { taskId: string; message: string }[] = [];
    for (const row of await this.options.store.rows()) {
      try {
        await this.sendStatus(row, signal);
      } catch (error) {
        failures.push({ taskId: row.taskId, message: message(error) });
      }
    }
    return failures;
  }

  /** Writes the status the device wants (at least `received`) back to the Task, if the server is behind. */
  private async sendStatus(row: RequestRow, signal: AbortSignal | undefined, retried = false): Promise<void> {
    const wanted = row.pendingStatus ?? 'received';
    if (rank(row.serverStatus) >= rank(wanted)) return;
    const { store, dispatch, callsign } = this.options;
    const { task, request } = await store.openBody(row);
    const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
    if (request.versionId !== undefined) headers['if-match'] = `W/"${request.versionId}"`;
    try {
      const response = await dispatch.request('PUT', `Task/${row.taskId}`, {
        body: { ...task, status: wanted },
        headers,
        ...(signal === undefined ? {} : { signal }),
      });
      const reading = readPreArrivalTask(response.body, callsign);
      if (!reading.ok) throw new Error(`the dispatch server answered with a Task that ${reading.reason}`);
      await store.saveFromServer({ request: reading.request, task: reading.task }, this.now().getTime());
    } catch (error) {
      // Changed on the server since it was read (the control room edited it): read it again and try once more.
      if (retried || !(error instanceof FhirHttpError) || error.status !== 412) throw error;
      const current = await dispatch.request(
        'GET',
        `Task/${row.taskId}`,
        signal === undefined ? {} : { signal },
      );
      const reading = readPreArrivalTask(current.body, callsign);
      if (!reading.ok) throw new Error(`the Task changed on the server and ${reading.reason}`);
      const saved = await store.saveFromServer(
        { request: reading.request, task: reading.task },
        this.now().getTime(),
      );
      await this.sendStatus(saved, signal, true);
    }
  }

  /** Fetches each request's patient from every ICB, once, and again for ICBs that could not be asked. */
  private async fetchRecords(signal: AbortSignal | undefined): Promise<void> {
    const { store, icbs } = this.options;
    const now = this.now();
    const refetchAfter = this.options.refetchAfterMs ?? 2 * 60_000;
    for (const row of await store.rows()) {
      const previous = await store.openRecords(row);
      const due =
        previous === undefined ||
        (previous.failures.length > 0 && now.getTime() - (row.recordsAt ?? 0) >= refetchAfter);
      if (!due) continue;
      const { request } = await store.openBody(row);
      const asking =
        previous === undefined
          ? icbs
          : icbs.filter((icb) => previous.failures.some((f) => f.icb === icb.odsCode));
      const kept = (previous?.records ?? []).filter(
        (record) => !asking.some((icb) => icb.odsCode === record.icb),
      );
      const records: FetchedRecord[] = [...kept];
      const failures: { icb: string; message: string }[] = [];
      let refused = previous?.refused ?? 0;
      for (const icb of asking) {
        try {
          const fetched = await fetchPatientByNhsNumber(
            icb.remote,
            { odsCode: icb.odsCode, name: icb.name },
            request.nhsNumber,
            signal ?? new AbortController().signal,
            this.now,
          );
          refused += fetched.refused.length;
          for (const write of fetched.records)
            records.push({
              icb: icb.odsCode,
              patientId: write.patientId,
              card: write.card,
              raw: write.raw,
              refreshedAt: write.refreshedAt,
            });
        } catch (error) {
          failures.push({ icb: icb.odsCode, message: message(error) });
        }
      }
      await store.saveRecords(row.taskId, { records, failures, refused }, now.getTime());
    }
  }
}
