// The store of record (Medplum's repository and router) together with this server's own indexes.
// Every write reported by the repository updates the change log, the patient index and the cohort index.
import './websocket-shim';
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { ChangeEntry } from './change-log';
import { ChangeLog } from './change-log';
import { CohortIndex } from './cohort-index';
import type { MedplumStore } from './medplum-setup';
import { createMedplumStore } from './medplum-setup';
import { PatientIndex, patientIdOf } from './patient-index';
import type { StoredWrite } from './recording-repository';

/** Resources seeded per event-loop turn (a few ms of work). */
const LOAD_CHUNK = 500;

export class IndexedStore {
  readonly changes = new ChangeLog();
  readonly patients = new PatientIndex();
  readonly cohorts = new CohortIndex();
  readonly medplum: MedplumStore;

  constructor() {
    this.medplum = createMedplumStore((write) => {
      this.record(write);
    });
  }

  /** Bulk seed keeping the given ids (lastUpdated is the load time); yields between chunks. */
  async load(resources: readonly Resource[]): Promise<void> {
    for (let start = 0; start < resources.length; start += LOAD_CHUNK) {
      this.medplum.repo.seed(resources.slice(start, start + LOAD_CHUNK));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The live resource (never mutate it: it is Medplum's stored object). */
  current(resourceType: string, id: string): Resource | undefined {
    return this.medplum.view.current(resourceType, id);
  }

  /** The content of the version a change entry describes (undefined for deletions). */
  contentOf(entry: ChangeEntry): Resource | undefined {
    if (entry.method === 'DELETE') {
      return undefined;
    }
    return this.medplum.view.version(entry.resourceType, entry.id, entry.versionId);
  }

  /** The JSON text of the version a change entry describes (undefined for deletions). */
  jsonOf(entry: ChangeEntry): string | undefined {
    const resource = this.contentOf(entry);
    return resource === undefined ? undefined : this.medplum.repo.jsonOf(resource);
  }

  /** True when the resource existed and has been deleted (reads answer 410 Gone). */
  isDeleted(resourceType: string, id: string): boolean {
    return this.changes.latest(resourceType, id)?.method === 'DELETE';
  }

  private record(write: StoredWrite): void {
    if (write.kind === 'delete') {
      const previous = this.changes.latest(write.resourceType, write.id);
      if (!previous || previous.method === 'DELETE') {
        return;
      }
      const appended = this.changes.append({
        resourceType: write.resourceType,
        id: write.id,
        versionId: randomUUID(),
        lastUpdated: new Date().toISOString(),
        method: 'DELETE',
        patientId: previous.patientId,
      });
      this.patients.apply(appended.entry, appended.previous);
      if (write.resourceType === 'Patient') {
        this.cohorts.apply(write.id, undefined);
      }
      return;
    }
    const { resource } = write;
    const appended = this.changes.append({
      resourceType: resource.resourceType,
      id: resource.id,
      versionId: resource.meta?.versionId ?? randomUUID(),
      lastUpdated: resource.meta?.lastUpdated ?? new Date().toISOString(),
      method: write.kind === 'update' ? 'PUT' : 'POST',
      patientId: patientIdOf(resource),
    });
    this.patients.apply(appended.entry, appended.previous);
    if (resource.resourceType === 'Patient') {
      this.cohorts.apply(resource.id, resource);
    }
  }
}
