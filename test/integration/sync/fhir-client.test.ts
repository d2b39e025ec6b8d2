// The FHIR client against the demo ICB server over real HTTP: capabilities, paging and a Bulk Data export end to end.
import type { Condition, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFhirServer, type DemoFhirServer } from '../../../demo/fhir-server/index';
import { FhirClient, type NdjsonLine } from '../../../sync/fhir-client/index';

const patientCount = 25;
let server: DemoFhirServer;
let client: FhirClient;

function resources(): Resource[] {
  const out: Resource[] = [];
  for (let index = 0; index < patientCount; index++) {
    const patient: Patient = {
      resourceType: 'Patient',
      id: `fc-p${index}`,
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: String(9000000000 + index) }],
      name: [{ family: index % 2 === 0 ? 'Llŷr' : '李', given: ['Siân'] }],
      address: [{ postalCode: index % 3 === 0 ? 'DE1 4GH' : 'NG7 1AB' }],
    };
    const condition: Condition = {
      resourceType: 'Condition',
      id: `fc-c${index}`,
      subject: { reference: `Patient/fc-p${index}` },
      code: { text: 'Asthma' },
    };
    out.push(patient, condition);
  }
  return out;
}

beforeAll(async () => {
  server = await startDemoFhirServer({ name: 'FHIR client ICB' });
  await server.load(resources());
  client = new FhirClient({
    baseUrl: server.baseUrl,
    auth: { type: 'none' },
    retry: { baseDelayMs: 50, maxDelayMs: 500 },
  });
});

afterAll(async () => {
  await server.close();
});

describe('FhirClient against the demo FHIR server', () => {
  it('reads the CapabilityStatement: history, bulk export, $summary and search parameters', async () => {
    const capabilities = await client.capabilities();

    expect(capabilities.fhirVersion).toBe('4.0.1');
    expect(capabilities.historySystem).toBe(true);
    expect(capabilities.historyType.has('Patient')).toBe(true);
    expect(capabilities.bulkExport).toEqual({ system: true, patient: true, group: true });
    expect(capabilities.patientSummary).toBe(true);
    expect(capabilities.patientEverything).toBe(true);
    expect(capabilities.searchParams.get('Patient')?.has('address-postalcode')).toBe(true);
  });

  it('pages through a search by following next links, with no duplicates or gaps', async () => {
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.pages('Patient?_count=7')) {
      pages += 1;
      for (const entry of page.bundle.entry) {
        if (entry.resource?.resourceType === 'Patient') ids.push(String(entry.resource.id));
      }
    }
    expect(pages).toBe(Math.ceil(patientCount / 7));
    expect(new Set(ids).size).toBe(patientCount);
    expect(ids).toHaveLength(patientCount);
  });

  it('runs a Patient-level bulk export and streams its NDJSON files', async () => {
    const manifest = await client.bulkExport({
      path: 'Patient/$export',
      params: new URLSearchParams({ _type: 'Patient,Condition' }),
    });

    expect(manifest.output.map((file) => file.type).sort()).toEqual(['Condition', 'Patient']);
    const lines: NdjsonLine[] = [];
    for (const file of manifest.output) {
      for await (const line of client.streamNdjson(file.url, {
        requiresAccessToken: manifest.requiresAccessToken,
      })) {
        lines.push(line);
      }
    }
    expect(lines.every((line) => line.kind === 'resource')).toBe(true);
    const names = lines.flatMap((line) =>
      line.kind === 'resource' && line.value.resourceType === 'Patient'
        ? [JSON.stringify(line.value.name)]
        : [],
    );
    expect(names).toHaveLength(patientCount);
    expect(names.some((name) => name.includes('Siân') && name.includes('李'))).toBe(true);
    expect(lines).toHaveLength(patientCount * 2);

    await client.deleteExport(manifest.statusUrl);
  });
});
