// Reads every key and value of every object store of an IndexedDB database through the raw API and turns
// it into one searchable string (bytes decoded both as UTF-8 and Latin-1), for encryption-at-rest tests.
function flatten(value: unknown, out: string[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push(String(value));
    return;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    out.push(new TextDecoder('utf-8').decode(bytes), new TextDecoder('latin1').decode(bytes));
    return;
  }
  if (value instanceof Blob) throw new Error('Blob values are not expected in the store');
  if (Array.isArray(value)) {
    for (const item of value) flatten(item, out);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push(key);
      flatten(child, out);
    }
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => {
      resolve(req.result);
    };
    req.onerror = () => {
      reject(req.error ?? new Error('IndexedDB request failed'));
    };
  });
}

/** The index's own keys (what an attacker reading the index files sees), not the primary keys. */
function indexKeys(index: IDBIndex): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const keys: string[] = [];
    const cursorRequest = index.openKeyCursor();
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (cursor === null) {
        resolve(keys);
        return;
      }
      flatten(cursor.key, keys);
      cursor.continue();
    };
    cursorRequest.onerror = () => {
      reject(cursorRequest.error ?? new Error('cursor failed'));
    };
  });
}

export async function dumpIndexedDb(factory: IDBFactory, name: string): Promise<string> {
  const db = await request(factory.open(name));
  const out: string[] = [];
  try {
    for (const storeName of Array.from(db.objectStoreNames)) {
      const transaction = db.transaction(storeName, 'readonly');
      const store = transaction.objectStore(storeName);
      out.push(storeName);
      flatten(await request(store.getAllKeys()), out);
      flatten(await request(store.getAll()), out);
      for (const indexName of Array.from(store.indexNames)) {
        out.push(indexName, ...(await indexKeys(store.index(indexName))));
      }
    }
  } finally {
    db.close();
  }
  return out.join('\n');
}
