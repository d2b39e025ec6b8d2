// Named errors of the encrypted patient store: what a caller needs to decide (wrong key, bad query, bad row).

/** The key material does not open this database (its key-check value fails). Nothing was written. */
export class WrongKeyError extends Error {
  override readonly name = 'WrongKeyError';
  constructor(
    readonly databaseName: string,
    options?: { cause?: unknown },
  ) {
    super(`The key does not open the patient store "${databaseName}"`, options);
  }
}

/** A search or purge argument the store cannot use (for example an NHS number whose check digit is wrong). */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

/**
 * A name search matched more patients than a crew can use or the device can rank at typing speed (each
 * candidate's card is decrypted to rank it): the caller asks for more of the name or a date of birth.
 */
export class TooManyMatchesError extends Error {
  override readonly name = 'TooManyMatchesError';
  constructor(readonly matches: number) {
    super(`About ${matches} patients match: type more of the name, or add a date of birth`);
  }
}

/** A caller passed a commit the store refuses to write (for example a row for another ICB than the batch). */
export class InvalidWriteError extends Error {
  override readonly name = 'InvalidWriteError';
}

/**
 * A stored value failed authentication or decoding: tampered, truncated or swapped between rows.
 * Searches skip such rows and report them; reads that must be exact (read-modify-write) throw it.
 */
export class StoreCorruptError extends Error {
  override readonly name = 'StoreCorruptError';
  constructor(
    readonly table: string,
    readonly key: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(`Stored ${table}.${field} for row ${key} failed authentication or decoding`, options);
  }
}
