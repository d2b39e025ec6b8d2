// The crew-facing outbox: saves drafts on every change, finalises notes into the durable queue with their
// route, lists them with their state and reason, resends after a fix, and purges after the retention window.
import type { Profile } from '../provisioning-profile';
import { encounterNoteSchema, parseEncounterNote, patientQueueKey } from './encounter-note';
import type { EncounterNote, NoteIssue } from './encounter-note';
import { OutboxEmitter } from './outbox-events';
import type { OutboxCounts, OutboxListener, OutboxState, PauseReason } from './outbox-events';
import { entryKey, OutboxStore } from './outbox-store';
import type { DatabaseOptions } from '../store/schema';
import type { EntryRow } from './outbox-store';
import { routeNote } from './routing';
import type { Route, RoutingResult } from './routing';
import { z } from '../zod';

export interface OutboxOptions extends DatabaseOptions {
  /** The IndexedDB database name (the outbox's own, apart from the patient store). */
  readonly name: string;
  /** 32 bytes; keys are derived with HKDF as in the patient store, and the material is not kept. */
  readonly keyMaterial: Uint8Array;
  readonly profile: Pick<Profile, 'icbs' | 'trust' | 'retention'>;
  readonly now?: () => number;
}

/** What the crew sees of one note version. */
export interface OutboxItem {
  readonly noteId: string;
  readonly version: number;
  readonly state: OutboxState;
  readonly route: RoutingResult;
  readonly attempts: number;
  readonly acknowledgedAt?: number;
  readonly pauseReason?: PauseReason;
  /** The server's OperationOutcome text (or why the note cannot be routed) when it needs attention. */
  readonly problem?: string;
  readonly note: EncounterNote;
}

/** A draft as the crew left it: the form's own state, which need not be a valid note yet. */
export interface DraftForm {
  readonly noteId: string;
  readonly version: number;
  readonly updatedAt: number;
  readonly form: unknown;
}

export class InvalidNoteError extends Error {
  constructor(readonly issues: readonly NoteIssue[]) {
    super(`The note is not valid: ${issues.map((issue) => issue.message).join('; ')}`);
    this.name = 'InvalidNoteError';
  }
}

const sealedBodySchema = z.object({
  note: encounterNoteSchema,
  route: z.union([
    z.object({
      routable: z.literal(true),
      target: z.custom<Route['target']>(),
      rule: z.string(),
      reason: z.string(),
    }),
    z.object({ routable: z.literal(false), reason: z.string() }),
  ]),
});

const formRefSchema = z.object({
  noteId: z.uuid(),
  version: z.number().int().min(1),
});
const formBodySchema = z.object({ form: z.unknown() });

export class Outbox {
  readonly events = new OutboxEmitter();
  private readonly now: () => number;

  private constructor(
    readonly store: OutboxStore,
    private readonly profile: OutboxOptions['profile'],
    now: (() => number) | undefined,
  ) {
    this.now = now ?? (() => Date.now());
  }

  static async open(options: OutboxOptions): Promise<Outbox> {
    const store = await OutboxStore.open(options.name, options.keyMaterial, options);
    return new Outbox(store, options.profile, options.now);
  }

  close(): void {
    this.store.close();
  }

  on(listener: OutboxListener): () => void {
    return this.events.on(listener);
  }

  /**
   * Saves a note durably. A draft is overwritten on every save; a final note enters the queue with its
   * route (an unroutable one is kept, needing attention, never dropped). Finalising again is a no-op.
   */
  async save(input: unknown): Promise<OutboxItem> {
    const parsed = parseEncounterNote(input);
    if (!parsed.ok) throw new InvalidNoteError(parsed.issues);
    const { note } = parsed;
    const key = entryKey(note.id, note.version);
    const route = routeNote(note, this.profile);
    const now = this.now();
    const final = note.status === 'final';
    const [body, patient, detail] = await Promise.all([
      this.store.sealBody(key, { note, route }),
      this.store.patientKey(patientQueueKey(note)),
      final && !route.routable
        ? this.store.sealDetail(key, { status: undefined, text: route.reason })
        : undefined,
    ]);
    const state: OutboxState = !final ? 'draft' : route.routable ? 'queued' : 'needs-attention';
    const row = await this.store.put({
      key,
      noteId: note.id,
      version: note.version,
      patient,
      state,
      target: route.routable ? route.target.fhirBaseUrl : '',
      attempts: 0,
      nextAttemptAt: now,
      updatedAt: now,
      body,
      ...(detail === undefined ? {} : { detail }),
    });
    const item = await this.toItem(row);
    if (final && row.updatedAt === now && row.state === state) {
      this.events.emit({
        type: 'queued',
        noteId: note.id,
        version: note.version,
        rule: route.routable ? route.rule : 'unroutable',
        reason: route.reason,
      });
      if (!route.routable)
        this.events.emit({
          type: 'needs-attention',
          noteId: note.id,
          version: note.version,
          status: undefined,
          outcomeText: route.reason,
        });
    }
    return item;
  }

  /**
   * Saves what the crew has typed so far, valid or not (an empty incident number, a half-typed SpO2), so no
   * keystroke is lost. Overwrites the draft of that version; once the version is finalised this is a no-op.
   */
  async saveForm(noteId: string, version: number, form: unknown): Promise<void> {
    const { noteId: id, version: checkedVersion } = formRefSchema.parse({ noteId, version });
    const key = entryKey(id, checkedVersion);
    const now = this.now();
    const [body, patient] = await Promise.all([
      this.store.sealBody(key, { form }),
      this.store.patientKey(`note|${id}`),
    ]);
    await this.store.put({
      key,
      noteId: id,
      version: checkedVersion,
      patient,
      state: 'draft',
      target: '',
      attempts: 0,
      nextAttemptAt: now,
      updatedAt: now,
      body,
      form: true,
    });
  }

  /** Drafts saved with `saveForm`, most recently changed first. */
  async drafts(): Promise<DraftForm[]> {
    const rows = await this.store.db.entries.where('state').equals('draft').toArray();
    const forms = await Promise.all(
      rows
        .filter((row) => row.form === true)
        .map(async (row) => {
          const { form } = formBodySchema.parse(await this.store.openBody(row));
          return { noteId: row.noteId, version: row.version, updatedAt: row.updatedAt, form };
        }),
    );
    return forms.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Puts a parked or paused note back in the queue (routing it again with the current profile). */
  async resend(noteId: string, version?: number): Promise<boolean> {
    const rows = (await this.store.db.entries.where('noteId').equals(noteId).toArray()).filter(
      (row) => version === undefined || row.version === version,
    );
    let any = false;
    for (const row of rows) {
      if (row.state !== 'needs-attention' && row.state !== 'paused') continue;
      const { note } = await this.decode(row);
      const route = routeNote(note, this.profile);
      if (!route.routable) continue;
      const bytes = await this.store.sealBody(row.key, { note, route });
      any =
        (await this.store.requeue(row.key, this.now(), { bytes, target: route.target.fhirBaseUrl })) || any;
      this.events.emit({
        type: 'queued',
        noteId,
        version: row.version,
        rule: route.rule,
        reason: route.reason,
      });
    }
    return any;
  }

  /** Every paused note back to the queue, e.g. after the crew signed in again or space was freed. */
  async resumePaused(): Promise<number> {
    const paused = await this.store.db.entries.where('state').equals('paused').toArray();
    for (const row of paused) await this.store.requeue(row.key, this.now());
    return paused.length;
  }

  /** Every note version except form drafts (see `drafts`). */
  /**
   * Makes queued notes that are waiting out a backoff due now, e.g. when the device is back online; the push
   * engine's next look (kick it) sends them. Returns how many were waiting.
   */
  async retryNow(): Promise<number> {
    const now = this.now();
    const { db } = this.store;
    return db.transaction('rw', db.entries, () =>
      db.entries
        .where('state')
        .equals('queued')
        .filter((row) => row.nextAttemptAt > now)
        .modify({ nextAttemptAt: now }),
    );
  }

  async list(): Promise<OutboxItem[]> {
    const rows = (await this.store.all()).filter((row) => row.form !== true);
    return Promise.all(rows.map((row) => this.toItem(row)));
  }

  /** One note version; undefined when absent or still a form draft. */
  async get(noteId: string, version: number): Promise<OutboxItem | undefined> {
    const row = await this.store.get(entryKey(noteId, version));
    return row === undefined || row.form === true ? undefined : this.toItem(row);
  }

  async counts(): Promise<OutboxCounts> {
    const counts = await this.store.countByState();
    return {
      drafts: counts.draft,
      queued: counts.queued,
      sending: counts.sending,
      sent: counts.sent,
      needsAttention: counts['needs-attention'],
      paused: counts.paused,
    };
  }

  /** Deletes acknowledged notes older than `retention.syncedNoteHours`; unsent notes are never purged. */
  purge(): Promise<number> {
    return this.store.purgeAcknowledged(this.now() - this.profile.retention.syncedNoteHours * 3_600_000 + 1);
  }

  /** Decodes the sealed body of a row (note and route). */
  async decode(row: EntryRow): Promise<{ note: EncounterNote; route: RoutingResult }> {
    const body = sealedBodySchema.parse(await this.store.openBody(row));
    return body as { note: EncounterNote; route: RoutingResult };
  }

  private async toItem(row: EntryRow): Promise<OutboxItem> {
    const [{ note, route }, detail] = await Promise.all([this.decode(row), this.store.openDetail(row)]);
    return {
      noteId: row.noteId,
      version: row.version,
      state: row.state,
      route,
      attempts: row.attempts,
      ...(row.acknowledgedAt === undefined ? {} : { acknowledgedAt: row.acknowledgedAt }),
      ...(row.pauseReason === undefined ? {} : { pauseReason: row.pauseReason }),
      ...(detail === undefined ? {} : { problem: detail.text }),
      note,
    };
  }
}
