// Public value types of the encrypted patient store: what the pull engine writes and what search returns.

/** Raw search keys of one patient; the store normalises, tokenises and blind-indexes them. */
export interface SearchKeys {
  readonly nhsNumber?: string;
  /** Raw name strings: family, given, text, aliases. */
  readonly names: readonly string[];
  /** FHIR date `YYYY-MM-DD`; partial dates are stored on the card but not indexed. */
  readonly birthDate?: string;
  /** Raw postcodes, current and previous. */
  readonly postcodes: readonly string[];
}

/** The small record shown in result lists; stored encrypted, never compressed. */
export interface PatientCard {
  readonly displayName: string;
  readonly birthDate?: string;
  readonly nhsNumber?: string;
  readonly postcode?: string;
  readonly icb: string;
  readonly restricted: boolean;
  readonly deceased: boolean;
}

export interface PatientWrite {
  readonly icb: string;
  readonly patientId: string;
  readonly keys: SearchKeys;
  readonly card: PatientCard;
  /** The projection (`PatientSummary`), opaque to the store. */
  readonly summary: unknown;
  /** The FHIR resources the summary came from, for re-projection after incremental changes. */
  readonly raw: readonly unknown[];
  /**
   * The JSON of each of `raw`'s resources as it arrived (UTF-8), where known: the stored body is then made
   * from these bytes instead of serialising and encoding the resources again. Each must be the exact
   * JSON text the resource at the same position was parsed from, and the resource unchanged since.
   */
  readonly rawJson?: readonly (Uint8Array | undefined)[];
  readonly refreshedAt: number;
}

export interface QuarantineWrite {
  readonly icb: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  /** The patient the resource belongs to, when known: deleting or purging that patient removes the entry. */
  readonly patientId?: string;
  readonly reason: string;
  /** A short excerpt for diagnosis; encrypted like everything else. */
  readonly snippet?: string;
  readonly at: number;
}

export interface QuarantineEntry {
  readonly icb: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly reason: string;
  readonly snippet?: string;
  readonly at: number;
}

export interface CommitBatch<C> {
  readonly icb: string;
  readonly upserts: readonly PatientWrite[];
  /** Patient ids (of `icb`) to remove. Applied before the upserts of the same batch. */
  readonly deletes: readonly string[];
  readonly quarantine: readonly QuarantineWrite[];
  /** The pull engine's checkpoint, opaque to the store; `null` deletes it. */
  readonly checkpoint: C | null;
}

export interface SearchSource {
  readonly icb: string;
  /** The row key, for `readSummaries`. */
  readonly key: string;
}

/** One person in a result list; rows for the same NHS number from several ICBs are merged. */
export interface SearchHit {
  readonly nhsNumber?: string;
  readonly displayName: string;
  readonly birthDate?: string;
  readonly postcode?: string;
  readonly restricted: boolean;
  readonly deceased: boolean;
  readonly sources: readonly SearchSource[];
}

export interface StoredRecord {
  readonly raw: unknown[];
  readonly summary: unknown;
  readonly refreshedAt: number;
}

export interface StoredSummary {
  readonly icb: string;
  readonly key: string;
  readonly summary: unknown;
  /** The FHIR resources the record came from (the summary may be projected from them on read). */
  readonly raw: unknown[];
  readonly refreshedAt: number;
}

export interface StoreCounts {
  readonly patients: number;
  readonly byIcb: Record<string, number>;
  readonly quarantined: number;
}
