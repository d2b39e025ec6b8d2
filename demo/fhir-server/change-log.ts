// Append-only log of every write (create, update, delete) with a sequence number, like CouchDB `_changes`.
// It serves `_history`, `_lastUpdated` searches and export snapshots; the resources stay in Medplum's store.

export type ChangeMethod = 'POST' | 'PUT' | 'DELETE';

export interface ChangeEntry {
  /** Position in the log, from 1; the opaque `_history` cursor and the export snapshot point. */
  readonly seq: number;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  /** `meta.lastUpdated` of this version (the deletion time for a DELETE). */
  readonly lastUpdated: string;
  /** Milliseconds of `lastUpdated`, clamped so that it never decreases along the log (binary search). */
  readonly time: number;
  readonly method: ChangeMethod;
  /** True when this change brought the resource into existence (first create, or re-create after delete). */
  readonly created: boolean;
  /** Seq of this resource's previous change, 0 when there is none. */
  readonly previous: number;
  /** Seq of the change that created the resource: its stable insertion order. */
  readonly ordinal: number;
  /** Id of the Patient whose compartment holds this version (a Patient's own id for a Patient). */
  readonly patientId: string | undefined;
}

export interface ChangeInput {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdated: string;
  readonly method: ChangeMethod;
  readonly patientId: string | undefined;
}

export class ChangeLog {
  private readonly entries: ChangeEntry[] = [];
  /** Latest change per resource, deletions included (tombstones). */
  private readonly latestByType = new Map<string, Map<string, ChangeEntry>>();
  private readonly liveCounts = new Map<string, number>();
  private lastTime = 0;
  private lastParsed = { text: '', time: 0 };

  /** Seq of the newest entry (0 when empty). */
  get head(): number {
    return this.entries.length;
  }

  /** Appends a change and returns it together with the change it supersedes. */
  append(input: ChangeInput): { entry: ChangeEntry; previous: ChangeEntry | undefined } {
    const byId = this.latestFor(input.resourceType);
    const previous = byId.get(input.id);
    const wasLive = previous !== undefined && previous.method !== 'DELETE';
    const seq = this.entries.length + 1;
    this.lastTime = Math.max(this.lastTime, this.parseTime(input.lastUpdated));
    const created = input.method !== 'DELETE' && !wasLive;
    // An explicit literal (not a spread) keeps one hidden class for a million entries.
    const entry: ChangeEntry = {
      seq,
      resourceType: input.resourceType,
      id: input.id,
      versionId: input.versionId,
      lastUpdated: input.lastUpdated,
      time: this.lastTime,
      method: input.method,
      created,
      previous: previous?.seq ?? 0,
      ordinal: created || previous === undefined ? seq : previous.ordinal,
      patientId: input.patientId,
    };
    this.entries.push(entry);
    byId.set(input.id, entry);
    const delta = (entry.method === 'DELETE' ? 0 : 1) - (wasLive ? 1 : 0);
    this.liveCounts.set(input.resourceType, (this.liveCounts.get(input.resourceType) ?? 0) + delta);
    return { entry, previous };
  }

  at(seq: number): ChangeEntry | undefined {
    return this.entries[seq - 1];
  }

  latest(resourceType: string, id: string): ChangeEntry | undefined {
    return this.latestByType.get(resourceType)?.get(id);
  }

  /** The version of a resource as it stood at `snapshot` (undefined when it did not exist yet). */
  versionAt(resourceType: string, id: string, snapshot: number): ChangeEntry | undefined {
    let entry = this.latest(resourceType, id);
    while (entry && entry.seq > snapshot) {
      entry = entry.previous > 0 ? this.at(entry.previous) : undefined;
    }
    return entry;
  }

  /** True when `entry` is still the resource's latest version at `snapshot`. */
  isCurrentAt(entry: ChangeEntry, snapshot: number): boolean {
    return this.versionAt(entry.resourceType, entry.id, snapshot) === entry;
  }

  /** The first seq whose (clamped) time is at or after `time`; head + 1 when none is. */
  firstSeqAtOrAfter(time: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle];
      if (entry !== undefined && entry.time < time) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low + 1;
  }

  /** Latest change of every resource of a type that ever existed, in insertion order. */
  latestOfType(resourceType: string): IterableIterator<ChangeEntry> {
    return this.latestFor(resourceType).values();
  }

  resourceTypes(): string[] {
    return [...this.latestByType.keys()];
  }

  liveCount(resourceType?: string): number {
    if (resourceType !== undefined) {
      return this.liveCounts.get(resourceType) ?? 0;
    }
    let total = 0;
    for (const count of this.liveCounts.values()) {
      total += count;
    }
    return total;
  }

  /** Date.parse, remembering the last value: bulk loads stamp thousands of resources alike. */
  private parseTime(lastUpdated: string): number {
    if (lastUpdated !== this.lastParsed.text) {
      const parsed = Date.parse(lastUpdated);
      this.lastParsed = { text: lastUpdated, time: Number.isNaN(parsed) ? Date.now() : parsed };
    }
    return this.lastParsed.time;
  }

  private latestFor(resourceType: string): Map<string, ChangeEntry> {
    let byId = this.latestByType.get(resourceType);
    if (!byId) {
      byId = new Map();
      this.latestByType.set(resourceType, byId);
    }
    return byId;
  }
}
