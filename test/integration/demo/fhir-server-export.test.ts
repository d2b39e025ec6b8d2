// The demo FHIR server's Bulk Data export and patient operations ($summary, $everything).
import type { Bundle, Composition, Group, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoFhirServer } from '../../../demo/fhir-server/index';
import { startDemoFhirServer } from '../../../demo/fhir-server/index';
import { allPages, fhir, idsOf, population, sleep } from './fhir-server-fixtures';

interface Manifest {
  readonly transactionTime: string;
  readonly request: string;
  readonly requiresAccessToken: boolean;
  readonly output: readonly { type: string; url: string; count: number }[];
  readonly deleted: readonly { type: string; url: string; count: number }[];
}

const MEMBER_FILTER = 'http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter';
const ASYNC = { Prefer: 'respond-async' };

let server: DemoFhirServer;
let base: string;

beforeAll(async () => {
  server = await startDemoFhirServer({ name: 'Export ICB' });
  base = server.baseUrl;
  await server.load(population(30));
});

afterAll(async () => {
  await server.close();
});

async function kickOff(path: string, init: RequestInit = {}): Promise<string> {
  const response = await fhir(base, path, {
    ...init,
    headers: { ...ASYNC, ...(init.headers as Record<string, string>) },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  const status = response.headers.get('content-location');
  expect(status).toMatch(/\$export-status\//);
  return status ?? '';
}

async function manifestOf(statusUrl: string): Promise<Manifest> {
  for (;;) {
    const response = await fetch(statusUrl);
    if (response.status === 200) {
      return (await response.json()) as Manifest;
    }
    expect(response.status).toBe(202);
    expect(response.headers.get('x-progress')).not.toBeNull();
    await sleep(20);
  }
}

async function download(manifest: Manifest, kind: 'output' | 'deleted' = 'output'): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of manifest[kind]) {
    const response = await fetch(file.url, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-type')).toBe('application/fhir+ndjson');
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(file.count);
    resources.push(...lines.map((line) => JSON.parse(line) as Resource));
  }
  return resources;
}

const keys = (resources: readonly Resource[]): string[] =>
  resources.map((r) => `${r.resourceType}/${r.id ?? ''}`).sort();

describe('demo FHIR server bulk export', () => {
  it('exports the same resources searches return, as NDJSON per type, after kick-off and polling', async () => {
    const manifest = await manifestOf(await kickOff('$export'));
    expect(manifest.requiresAccessToken).toBe(false);
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    const exported = await download(manifest);
    expect(exported).toHaveLength(2 + 30 * 9);
    const searched = idsOf(await allPages(base, 'AllergyIntolerance?_count=11')).sort();
    expect(keys(exported.filter((r) => r.resourceType === 'AllergyIntolerance'))).toEqual(searched);
    const observation = exported.find((r) => r.id === 'p4-spo2');
    expect(observation).toEqual((await fhir(base, 'Observation/p4-spo2')).body);
  });

  it('rejects a kick-off without Prefer: respond-async and an unsupported _outputFormat', async () => {
    expect((await fhir<OperationOutcome>(base, '$export')).status).toBe(400);
    expect((await fhir(base, '$export?_outputFormat=text/csv', { headers: ASYNC })).status).toBe(400);
    expect((await fhir(base, '$export?_type=Spaceship', { headers: ASYNC })).status).toBe(400);
  });

  it('limits a patient-level export to _type and applies _typeFilter', async () => {
    const manifest = await manifestOf(
      await kickOff(
        `Patient/$export?_type=Patient,AllergyIntolerance&_typeFilter=${encodeURIComponent('Patient?address-postalcode=NG7,NG8')}`,
      ),
    );
    const exported = await download(manifest);
    expect(new Set(exported.map((r) => r.resourceType))).toEqual(new Set(['Patient', 'AllergyIntolerance']));
    const cohort = idsOf(await allPages(base, 'Patient?address-postalcode=NG7,NG8&_count=1000')).sort();
    expect(keys(exported.filter((r) => r.resourceType === 'Patient'))).toEqual(cohort);
    expect(exported.filter((r) => r.resourceType === 'AllergyIntolerance')).toHaveLength(30);
  });

  it('exports only changes and deletions since a previous transactionTime', async () => {
    const first = await manifestOf(await kickOff('$export?_type=Condition,Flag'));
    await sleep(5);
    await fhir(base, 'Condition/p1-condition', {
      method: 'PUT',
      body: JSON.stringify({
        resourceType: 'Condition',
        id: 'p1-condition',
        subject: { reference: 'Patient/p1' },
        code: { text: 'COPD' },
      }),
    });
    await fhir(base, 'Flag/p2-flag', { method: 'DELETE' });
    const second = await manifestOf(
      await kickOff(`$export?_type=Condition,Flag&_since=${encodeURIComponent(first.transactionTime)}`),
    );
    expect(keys(await download(second))).toEqual(['Condition/p1-condition']);
    const deleted = (await download(second, 'deleted')) as Bundle[];
    expect(deleted.flatMap((bundle) => bundle.entry ?? []).map((entry) => entry.request)).toEqual([
      { method: 'DELETE', url: 'Flag/p2-flag' },
    ]);
  });

  it('exports a member-filter cohort Group as the union of its filters, with their compartments', async () => {
    const group: Group = {
      resourceType: 'Group',
      type: 'person',
      actual: false,
      modifierExtension: [
        {
          url: MEMBER_FILTER,
          valueExpression: {
            language: 'application/x-fhir-query',
            expression: 'Patient?address-postalcode=NG9',
          },
        },
        {
          url: MEMBER_FILTER,
          valueExpression: { language: 'application/x-fhir-query', expression: 'Patient?_id=p0' },
        },
      ],
    };
    const created = await fhir<Group>(base, 'Group', { method: 'POST', body: JSON.stringify(group) });
    expect(created.status).toBe(201);
    const manifest = await manifestOf(
      await kickOff(`Group/${created.body.id ?? ''}/$export`, { method: 'POST' }),
    );
    const exported = await download(manifest);
    const expected = new Set([
      ...idsOf(await allPages(base, 'Patient?address-postalcode=NG9&_count=1000')),
      'Patient/p0',
    ]);
    expect(new Set(keys(exported.filter((r) => r.resourceType === 'Patient')))).toEqual(expected);
    const p0 = await fhir<Bundle>(base, 'Patient/p0/$everything?_count=1000');
    for (const key of idsOf([p0.body])) {
      expect(keys(exported)).toContain(key);
    }
  });

  it('limits a POST kick-off to the compartments of its patient parameters, within a Group', async () => {
    const parameters = (...ids: string[]): string =>
      JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          { name: '_type', valueString: 'Patient,AllergyIntolerance,Condition,Organization' },
          ...ids.map((id) => ({ name: 'patient', valueReference: { reference: `Patient/${id}` } })),
        ],
      });
    const post = { method: 'POST', body: '' };
    const exported = await download(
      await manifestOf(await kickOff('Patient/$export', { ...post, body: parameters('p1', 'p3', 'absent') })),
    );
    const compartments = exported.filter((r) => r.resourceType !== 'Organization');
    expect(keys(compartments)).toEqual(
      keys(
        population(30).filter(
          (r) =>
            ['Patient', 'AllergyIntolerance', 'Condition'].includes(r.resourceType) &&
            /^p[13](-|$)/.test(r.id ?? ''),
        ),
      ),
    );
    // Types outside the patient compartment are exported whole, as without the parameter.
    expect(exported.filter((r) => r.resourceType === 'Organization').length).toBeGreaterThan(0);

    const group: Group = {
      resourceType: 'Group',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: 'Patient/p1' } }, { entity: { reference: 'Patient/p2' } }],
    };
    const created = await fhir<Group>(base, 'Group', { method: 'POST', body: JSON.stringify(group) });
    const inGroup = await download(
      await manifestOf(
        await kickOff(`Group/${created.body.id ?? ''}/$export`, { ...post, body: parameters('p1', 'p3') }),
      ),
    );
    expect(keys(inGroup.filter((r) => r.resourceType === 'Patient'))).toEqual(['Patient/p1']);
  });

  it('refuses the patient parameter at system level, in a query string, or as a non-Patient reference', async () => {
    const body = (reference: string): RequestInit => ({
      method: 'POST',
      headers: ASYNC,
      body: JSON.stringify({
        resourceType: 'Parameters',
        parameter: [{ name: 'patient', valueReference: { reference } }],
      }),
    });
    expect((await fhir<OperationOutcome>(base, '$export', body('Patient/p1'))).status).toBe(400);
    expect((await fhir<OperationOutcome>(base, 'Patient/$export', body('Group/g1'))).status).toBe(400);
    const query = await fhir<OperationOutcome>(base, 'Patient/$export?patient=Patient/p1', {
      headers: ASYNC,
    });
    expect(query.status).toBe(400);
    expect(query.body.issue[0]?.diagnostics).toMatch(/POST Parameters body/);
  });

  it('cancels a job with DELETE on its status URL', async () => {
    const status = await kickOff('$export');
    expect((await fetch(status, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(status)).status).toBe(404);
  });
});

describe('demo FHIR server patient operations', () => {
  it('returns an IPS-style $summary document with coded sections referencing the patient’s resources', async () => {
    const response = await fhir<Bundle>(base, 'Patient/p5/$summary');
    expect(response.status).toBe(200);
    const bundle = response.body;
    expect(bundle.type).toBe('document');
    expect(bundle.identifier?.value).toBeDefined();
    expect(bundle.timestamp).toBeDefined();
    const composition = bundle.entry?.[0]?.resource as Composition;
    expect(composition.resourceType).toBe('Composition');
    expect(composition.type.coding?.[0]?.code).toBe('60591-5');
    const sections = new Map(
      composition.section?.map((section) => [section.code?.coding?.[0]?.code, section]),
    );
    for (const code of ['48765-2', '10160-0', '11450-4', '42348-3', '104605-1', '8716-3', '46240-8']) {
      expect(sections.get(code)?.entry?.length, code).toBeGreaterThan(0);
    }
    expect(sections.get('48765-2')?.entry).toEqual([{ reference: 'AllergyIntolerance/p5-allergy' }]);
    const included = idsOf([bundle]);
    expect(included).toContain('Patient/p5');
    expect(included).toHaveLength(1 + 9);
  });

  it('returns $everything as a searchset of the patient and their compartment', async () => {
    const response = await fhir<Bundle>(base, 'Patient/p6/$everything');
    expect(response.body.type).toBe('searchset');
    expect(idsOf([response.body]).sort()).toEqual(
      [
        'Patient/p6',
        ...['allergy', 'condition', 'medication', 'spo2', 'pulse', 'encounter', 'flag', 'consent'].map(
          (s) => `p6-${s}`,
        ),
      ]
        .map((id) => (id.startsWith('Patient/') ? id : `${typeOf(id)}/${id}`))
        .sort(),
    );
    expect((await fhir(base, 'Patient/nobody/$summary')).status).toBe(404);
  });
});

function typeOf(id: string): string {
  const suffix = id.split('-').pop() ?? '';
  const types: Record<string, string> = {
    allergy: 'AllergyIntolerance',
    condition: 'Condition',
    medication: 'MedicationStatement',
    spo2: 'Observation',
    pulse: 'Observation',
    encounter: 'Encounter',
    flag: 'Flag',
    consent: 'Consent',
  };
  return types[suffix] ?? '';
}
