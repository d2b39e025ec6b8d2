// Opens the encrypted patient store under one well-known name, in the page and in the sync worker alike.
import { PatientStore } from '../../../sync/store';

export const PATIENT_STORE_NAME = 'kerbside-patients';

/** Where the device's smaller databases (outbox, pre-arrival requests) open: tests give fake-indexeddb. */
export interface DeviceDatabaseOptions {
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
  readonly name?: string;
}

/** The store operations the screens use; tests give the screens a fake with these. */
export type ScreenStore = Pick<
  PatientStore,
  'search' | 'readSummaries' | 'counts' | 'quarantineList' | 'estimateBytes' | 'readCheckpoint'
>;

export function openPatientStore(keyMaterial: Uint8Array): Promise<PatientStore> {
  return PatientStore.open({ name: PATIENT_STORE_NAME, keyMaterial });
}
