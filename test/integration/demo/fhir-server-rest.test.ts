// The demo FHIR server's REST surface: paging, indexed searches, conditional writes, transactions,
// input validation and CORS, over real HTTP on 127.0.0.1.
import type { Bundle, OperationOutcome, Patient, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoFhirServer } from '../../../demo/fhir-server/index';
import { startDemoFhirServer } from '../../../demo/fhir-server/index';
import { allPages, fhir, idsOf, NHS_SYSTEM, ODS_SYSTEM, population, sleep } from './fhir-server-fixtures';

let server: DemoFhirServer;
let base: string;

beforeAll(async () => {
  server = await startDemoFhirServer({ name: 'Test ICB Shared Care Record' });
  base = server.baseUrl;
  await server.load(population(60));
});

afterAll(async () => {
  await server.close();
});

describe('demo FHIR server REST', () => {
  it('serves a CapabilityStatement that lists history, export, summary and the Bulk Data capability', async () => {
    const { status, body, headers } = await fhir(base, 'metadata');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/fhir+json');
    expect(body.resourceType).toBe('CapabilityStatement');
    const text = JSON.stringify(body);
    expect(text).toContain('history-system');
    expect(text).toContain('http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data');
    expect(text).toContain('"name":"summary"');
    expect(text).toContain('"name":"everything"');
  });

  it('walks every search result exactly once through next links', async () => {
    const pages = await allPages(base, 'Observation?_count=7');
    const ids = idsOf(pages);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    expect(pages[0]?.total).toBe(120);
    expect(pages[0]?.link?.find((link) => link.relation === 'self')?.url).toContain('_count=7');
    const scanned = idsOf(await allPages(base, 'Observation?_count=9&code=59408-5'));
    expect(new Set(scanned).size).toBe(60);
    expect(scanned).toHaveLength(60);
  });

  it('finds only resources changed after a _lastUpdated gt bound, oldest first', async () => {
    await sleep(5);
    const bound = new Date().toISOString();
    await sleep(5);
    const created = await fhir<Patient>(base, 'Patient', {
      method: 'POST',
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Later' }] }),
    });
    expect(created.status).toBe(201);
    const updated = await fhir(base, 'Condition/p3-condition', {
      method: 'PUT',
      body: JSON.stringify({
        resourceType: 'Condition',
        id: 'p3-condition',
        subject: { reference: 'Patient/p3' },
        code: { text: 'COPD' },
      }),
    });
    expect(updated.status).toBe(200);
    const patients = await fhir<Bundle>(base, `Patient?_lastUpdated=gt${bound}&_sort=_lastUpdated`);
    expect(idsOf([patients.body])).toEqual([`Patient/${created.body.id ?? ''}`]);
    const conditions = await fhir<Bundle>(
      base,
      `Condition?_lastUpdated=gt${encodeURIComponent(bound)}&_sort=_lastUpdated`,
    );
    expect(idsOf([conditions.body])).toEqual(['Condition/p3-condition']);
  });

  it('answers patient-index searches exactly as Medplum’s own scan does', async () => {
    // A two-key _sort is not indexable, so the same query goes through Medplum's linear search.
    const scan = '&_sort=-_lastUpdated,_id&_count=1000';
    const queries = [
      'AllergyIntolerance?patient=Patient/p5',
      'AllergyIntolerance?patient=p5,p6',
      'Observation?subject=Patient/p7',
      'Observation?subject=Patient/p7&code=59408-5',
      'Consent?patient=Patient/p8',
      'Patient?address-postalcode=NG7,NG8',
      'Patient?address-postalcode=ng7%201',
      'Patient?general-practitioner=Organization/gp-c84001',
      `Patient?general-practitioner:Organization.identifier=${encodeURIComponent(`${ODS_SYSTEM}|C84002`)}`,
      'Patient?_id=p1,p2,nobody',
    ];
    for (const query of queries) {
      const indexed = idsOf(await allPages(base, `${query}&_count=1000`)).sort();
      const scanned = idsOf(await allPages(base, query + scan)).sort();
      expect(indexed.length, query).toBeGreaterThan(0);
      expect(indexed, query).toEqual(scanned);
    }
    const untyped = await allPages(
      base,
      `Patient?general-practitioner.identifier=${ODS_SYSTEM}|C84002&_count=1000`,
    );
    expect(idsOf(untyped)).toHaveLength(30);
  });

  it('reverse-includes a patient’s compartment from the patient index', async () => {
    const all = await fhir<Bundle>(base, 'Patient?_id=p9&_revinclude=*');
    expect(idsOf([all.body], 'match')).toEqual(['Patient/p9']);
    expect(idsOf([all.body], 'include')).toHaveLength(8);
    const allergies = await fhir<Bundle>(base, 'Patient?_id=p9&_revinclude=AllergyIntolerance:patient');
    expect(idsOf([allergies.body], 'include')).toEqual(['AllergyIntolerance/p9-allergy']);
  });

  it('creates once when the same conditional create (If-None-Exist) is sent twice', async () => {
    const task: Task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      identifier: [{ system: 'urn:kerbside:device', value: 'task-1' }],
      owner: { display: 'EM-A123' },
    };
    const init = {
      method: 'POST',
      body: JSON.stringify(task),
      headers: { 'If-None-Exist': 'identifier=urn:kerbside:device|task-1' },
    };
    const first = await fhir<Task>(base, 'Task', init);
    const second = await fhir<Task>(base, 'Task', init);
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toContain(`/Task/${first.body.id ?? ''}/_history/`);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(server.count('Task')).toBe(1);
  });

  it('keeps conditional creates right after the identifier is changed or the resource deleted', async () => {
    const task = (value: string): Task => ({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      identifier: [{ system: 'urn:kerbside:device', value }],
    });
    const create = (value: string) =>
      fhir<Task>(base, 'Task', {
        method: 'POST',
        body: JSON.stringify(task(value)),
        headers: { 'If-None-Exist': `identifier=urn:kerbside:device|${value}` },
      });
    const first = await create('task-2');
    const id = first.body.id ?? '';
    // The identifier moves to task-3: task-2 no longer matches, task-3 now does.
    await fhir<Task>(base, `Task/${id}`, { method: 'PUT', body: JSON.stringify({ ...task('task-3'), id }) });
    const again = await create('task-3');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    const fresh = await create('task-2');
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(id);
    // Deleted: the identifier is free again.
    await fhir(base, `Task/${id}`, { method: 'DELETE' });
    const recreated = await create('task-3');
    expect(recreated.status).toBe(201);
    expect(recreated.body.id).not.toBe(id);
  });

  it('rejects an update with a stale If-Match with 412 and sends ETag and Location on success', async () => {
    const read = await fhir<Patient>(base, 'Patient/p10');
    const etag = read.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    expect(read.headers.get('last-modified')).not.toBeNull();
    const body = JSON.stringify({ ...read.body, gender: 'female' });
    const ok = await fhir<Patient>(base, 'Patient/p10', {
      method: 'PUT',
      body,
      headers: { 'If-Match': etag },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe(`W/"${ok.body.meta?.versionId ?? ''}"`);
    expect(ok.headers.get('location')).toContain('/Patient/p10/_history/');
    const stale = await fhir<OperationOutcome>(base, 'Patient/p10', {
      method: 'PUT',
      body,
      headers: { 'If-Match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
  });

  it('answers 410 Gone for a deleted resource and 404 for one that never existed', async () => {
    expect((await fhir(base, 'Flag/p11-flag', { method: 'DELETE' })).status).toBe(200);
    expect((await fhir(base, 'Flag/p11-flag')).status).toBe(410);
    expect((await fhir(base, 'Flag/never')).status).toBe(404);
  });

  it('creates linked resources from a transaction bundle', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:6f7a1c1e-0000-4000-8000-000000000001',
          resource: { resourceType: 'Patient', identifier: [{ system: NHS_SYSTEM, value: '9434765919' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'EMER' },
            subject: { reference: 'urn:uuid:6f7a1c1e-0000-4000-8000-000000000001' },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    };
    const response = await fhir<Bundle>(base, '', { method: 'POST', body: JSON.stringify(bundle) });
    expect(response.status).toBe(200);
    expect(response.body.type).toBe('transaction-response');
    const patient = await fhir<Bundle>(base, `Patient?identifier=${NHS_SYSTEM}|9434765919`);
    const patientId = patient.body.entry?.[0]?.resource?.id ?? '';
    const encounters = await fhir<Bundle>(base, `Encounter?subject=Patient/${patientId}`);
    expect(encounters.body.total).toBe(1);
  });

  it('rejects bad input with an OperationOutcome and keeps serving', async () => {
    const malformed = await fhir<OperationOutcome>(base, 'Patient', {
      method: 'POST',
      body: '{"resourceType":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.resourceType).toBe('OperationOutcome');
    const unknownPath = await fhir<OperationOutcome>(base, 'Spaceship/1');
    expect(unknownPath.status).toBe(400);
    const unknownBody = await fhir<OperationOutcome>(base, 'Patient', {
      method: 'POST',
      body: '{"resourceType":"Spaceship"}',
    });
    expect(unknownBody.status).toBe(400);
    const wrongType = await fhir<OperationOutcome>(base, 'Patient', {
      method: 'POST',
      body: JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }),
    });
    expect(wrongType.status).toBe(400);
    const invalid = await fhir<OperationOutcome>(base, 'Patient', {
      method: 'POST',
      body: JSON.stringify({ resourceType: 'Patient', gender: 42, spaceship: true }),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.issue.length).toBeGreaterThan(0);
    const oversized = await fhir<OperationOutcome>(base, 'Patient', {
      method: 'POST',
      body: JSON.stringify({
        resourceType: 'Patient',
        text: { status: 'generated', div: 'x'.repeat(21 * 1024 * 1024) },
      }),
    });
    expect(oversized.status).toBe(413);
    expect(oversized.body.resourceType).toBe('OperationOutcome');
    expect((await fhir(base, 'metadata')).status).toBe(200);
  });

  it('answers CORS preflight and exposes the headers a browser client reads', async () => {
    const origin = 'http://localhost:5173';
    const preflight = await fetch(`${base}/Patient`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'if-none-exist',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('If-None-Exist');
    const read = await fetch(`${base}/Patient/p1`, { headers: { Origin: origin } });
    expect(read.headers.get('access-control-allow-origin')).toBe(origin);
    expect(read.headers.get('access-control-expose-headers')).toContain('ETag');
  });
});
