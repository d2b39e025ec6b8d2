import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoWorld, type DemoWorld } from '../../demo/demo-world';
import { openBenchPage, type BenchPage } from '../bench/browser/harness';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('pre-cache in Chromium, encryption at rest', () => {
  let world: DemoWorld;
  let bench: BenchPage;

  beforeAll(async () => {
    world = await startDemoWorld({ patients: 300, seed: 5 });
    bench = await openBenchPage();
  });

  afterAll(async () => {
    await bench.close();
    await world.close();
  });

  it('caches the area in Chromium IndexedDB and leaves no NHS number, name, DOB, postcode or clinical term readable', async () => {
    const key = Array.from({ length: 32 }, (_, index) => (index * 31 + 7) & 0xff);
    const result = await bench.page.evaluate(
      ([profile, keyBytes]) => window.kerbsideBench.precache('kerbside-at-rest', keyBytes, profile),
      [world.profiles.crew, key] as const,
    );
    expect(Object.values(result.outcomes)).toEqual(['completed', 'completed', 'completed']);
    expect(result.patients).toBeGreaterThan(100);

    const secrets = new Set<string>();
    for (const resource of Object.values(world.population.records).flat()) {
      if (resource.resourceType !== 'Patient') continue;
      const patient = resource;
      for (const identifier of patient.identifier ?? []) if (identifier.value) secrets.add(identifier.value);
      if (patient.birthDate) secrets.add(patient.birthDate);
      for (const name of patient.name ?? [])
        if (name.family && name.family.length >= 5) secrets.add(name.family);
      for (const address of patient.address ?? []) if (address.postalCode) secrets.add(address.postalCode);
    }
    for (const term of [
      'Penicillin',
      'anaphylaxis',
      'Anaphylaxis',
      'Hypertension',
      'resuscitation',
      'Safeguarding',
    ]) {
      secrets.add(term);
    }

    // Everything the database holds, read back through IndexedDB itself (keys, index keys and values).
    const dump = await bench.page.evaluate((name) => window.kerbsideBench.dump(name), 'kerbside-at-rest');
    expect(dump.length).toBeGreaterThan(10_000);
    expect(
      [...secrets].filter((secret) => dump.includes(secret) || dump.includes(secret.toLowerCase())),
    ).toEqual([]);

    // And the files Chromium wrote under the profile's IndexedDB folder, read as bytes.
    await bench.page.close();
    const folder = join(bench.userDataDir, 'Default', 'IndexedDB');
    const raw = filesUnder(folder)
      .map((file) => readFileSync(file).toString('latin1'))
      .join('\n');
    expect(raw.length).toBeGreaterThan(10_000);
    const nhsNumbers = [...secrets].filter((secret) => /^\d{10}$/.test(secret));
    expect(nhsNumbers.filter((nhs) => raw.includes(nhs))).toEqual([]);
    expect([...secrets].filter((secret) => secret.length >= 6 && raw.includes(secret))).toEqual([]);
  });
});
