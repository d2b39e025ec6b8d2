import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../sync/provisioning-profile';
import { deviceDatabase } from '../../../renderer/src/data/device-database';
import { loadProvisioning } from '../../../renderer/src/data/provisioning';
import crew from '../../../demo/profiles/crew.json';

const profile = crew as unknown as Profile;
const json =
  (body: unknown): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body)));
const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));

describe('provisioning', () => {
  it('saves the host profile, then starts from the saved copy when the host cannot be reached', async () => {
    const db = deviceDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
    const online = await loadProvisioning(db, json(profile));
    expect(online).toMatchObject({ kind: 'provisioned', from: 'host' });
    const later = await loadProvisioning(db, offline);
    expect(later).toMatchObject({ kind: 'provisioned', from: 'saved' });
    if (later.kind === 'provisioned') expect(later.profile.device.callsign).toBe('EM-A123');
  });

  it('replaces the saved profile with a newer one and reports what it replaced', async () => {
    const db = deviceDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
    await loadProvisioning(db, json(profile));
    const moved = { ...profile, area: { ...profile.area, postcodeDistricts: ['NG7'] } };
    const result = await loadProvisioning(db, json(moved));
    expect(result.kind === 'provisioned' && result.replaced?.area.postcodeDistricts.length).toBe(13);
    const again = await loadProvisioning(db, offline);
    expect(again.kind === 'provisioned' && again.profile.area.postcodeDistricts).toEqual(['NG7']);
  });

  it('keeps the saved profile when the host serves an invalid one, and reports invalid with none saved', async () => {
    const db = deviceDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
    const invalid = await loadProvisioning(db, json({ ...profile, extra: 1 }));
    expect(invalid).toMatchObject({ kind: 'invalid', issues: [{ path: '(root)' }] });
    await loadProvisioning(db, json(profile));
    const kept = await loadProvisioning(db, json({ ...profile, extra: 1 }));
    expect(kept).toMatchObject({ kind: 'provisioned', from: 'saved' });
  });

  it('says the device is not provisioned when there is no profile anywhere', async () => {
    const db = deviceDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
    await expect(loadProvisioning(db, offline)).resolves.toMatchObject({ kind: 'unprovisioned' });
  });
});
