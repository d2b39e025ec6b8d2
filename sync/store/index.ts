// The encrypted local patient store: public surface for the pull engine and the UI.

export {
  InvalidQueryError,
  InvalidWriteError,
  StoreCorruptError,
  TooManyMatchesError,
  WrongKeyError,
} from './errors';
export { PatientStore } from './patient-store';
export type { PatientStoreOptions } from './patient-store';
export { STORE_MIGRATIONS } from './schema';
export { dexieOptions } from './schema';
export type { DatabaseOptions, StoreMigration } from './schema';
export { parseSearchQuery, parseBirthDate } from './search-query';
export type { ParseOptions, SearchQuery } from './search-query';
export type * from './types';
export { RowMirror } from './row-mirror';
export type { MirrorSource } from './row-mirror';
