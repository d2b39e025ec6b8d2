import { afterEach, describe, expect, it } from 'vitest';
import { foldText } from '../../../../sync/store/normalise';
import { OpenStores, fakeDatabase, patientWrite, uniqueName, validNhsNumber } from './store-fixtures';
import type { PersonFixture } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const FAMILIES = ['Abernathy', 'Bartholomew', 'Cholmondeley', 'Dźierżyński', 'Featherstonehaugh'];
const GIVENS = [
  'Gwendolyn',
  'Hermione',
  'Ignatius',
  'Jessamyn',
  'Rhiannon',
  'Sebastian',
  'Thaddeus',
  'Ulrika',
  'Valentina',
  'Wilhelmina',
];
const CLINICAL = ['Anaphylaxis to penicillin', 'Schizoaffective disorder', 'Hepatocellular carcinoma'];

function people(): PersonFixture[] {
  return Array.from({ length: 50 }, (_, index) => ({
    patientId: `patient-${index}`,
    family: FAMILIES[index % FAMILIES.length] ?? '',
    given: GIVENS[index % GIVENS.length] ?? '',
    nhsNumber: validNhsNumber(100 + index),
    birthDate: `19${String(20 + index).padStart(2, '0')}-0${(index % 9) + 1}-1${index % 10}`,
    postcode: `LS${(index % 9) + 1} ${(index % 9) + 1}Q${'ABDEFGHJLN'[index % 10] ?? 'A'}`,
    clinical: CLINICAL[index % CLINICAL.length] ?? '',
  }));
}

/** Every key and value of every object store, read with raw IndexedDB, as text (bytes decoded twice). */
async function dumpDatabase(name: string): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = fakeDatabase.indexedDB.open(name);
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('open failed'));
    };
  });
  const parts: string[] = [];
  const render = (value: unknown): void => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const bytes =
        value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      parts.push(new TextDecoder('utf-8').decode(bytes), new TextDecoder('latin1').decode(bytes));
    } else if (Array.isArray(value)) {
      value.forEach(render);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, entry] of Object.entries(value)) {
        parts.push(key);
        render(entry);
      }
    } else {
      parts.push(String(value));
    }
  };
  try {
    for (const storeName of Array.from(db.objectStoreNames)) {
      parts.push(storeName);
      await new Promise<void>((resolve, reject) => {
        const request = db.transaction(storeName, 'readonly').objectStore(storeName).openCursor();
        request.onsuccess = () => {
          const cursor = request.result;
          if (cursor === null) {
            resolve();
            return;
          }
          render(cursor.primaryKey);
          render(cursor.value);
          cursor.continue();
        };
        request.onerror = () => {
          reject(request.error ?? new Error('cursor failed'));
        };
      });
    }
  } finally {
    db.close();
  }
  return parts.join('\n');
}

describe('PatientStore at rest', () => {
  it('stores no name, NHS number, date of birth, postcode or clinical text in IndexedDB', async () => {
    const name = uniqueName('at-rest');
    const store = await stores.open({ name });
    const fixtures = people();
    await store.commit({
      icb: 'QWE',
      upserts: fixtures.map(patientWrite),
      deletes: [],
      quarantine: [
        {
          icb: 'QWE',
          resourceType: 'Patient',
          resourceId: 'patient-1',
          reason: 'Hermione Bartholomew invalid',
          snippet: 'Anaphylaxis to penicillin',
          at: 1,
        },
      ],
      checkpoint: { lastUpdated: '2024-05-01T10:00:00Z' },
    });
    expect(await store.searchByName('Hermione Bartholomew')).toHaveLength(5);
    store.close();

    const dump = (await dumpDatabase(name)).toLowerCase();
    expect(dump).toContain('qwe');
    const secrets = new Set<string>();
    for (const person of fixtures) {
      for (const text of [person.family, person.given, `${person.given} ${person.family}`]) {
        secrets.add(text.toLowerCase());
        secrets.add(foldText(text));
      }
      const nhs = person.nhsNumber ?? '';
      secrets.add(nhs);
      secrets.add(`${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`);
      const dob = person.birthDate ?? '';
      secrets.add(dob);
      secrets.add(dob.replace(/-/g, ''));
      const postcode = (person.postcode ?? '').toLowerCase();
      secrets.add(postcode);
      secrets.add(postcode.replace(' ', ''));
      secrets.add((person.clinical ?? '').toLowerCase());
      secrets.add(person.patientId);
    }
    const leaked = [...secrets].filter((secret) => secret.length >= 6 && dump.includes(secret));
    expect(leaked).toEqual([]);
  });
});
