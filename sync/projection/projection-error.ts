// The one error the projection throws: the input cannot be a patient's summary at all.

/** Thrown when no Patient is present, or when summaries of different people are merged. */
export class ProjectionError extends Error {
  override readonly name = 'ProjectionError';
  constructor(
    message: string,
    readonly code: 'no-patient' | 'different-patients' | 'nothing-to-merge',
  ) {
    super(message);
  }
}
