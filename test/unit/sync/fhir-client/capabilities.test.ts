import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FhirClient,
  InvalidResponseError,
  parseCapabilityStatement,
} from '../../../../sync/fhir-client/index';
import { noAuth, recordingSleep, sendJson, startServer, type TestServer } from './support';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const url = 'https://scr.example.nhs.uk/fhir/metadata';
const bulk = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';

function resource(
  type: CapabilityStatementRestResource['type'],
  options: { history: boolean; params: string[]; operations?: CapabilityStatementRestResource['operation'] },
): CapabilityStatementRestResource {
  return {
    type,
    profile: `https://fhir.hl7.org.uk/StructureDefinition/UKCore-${type}`,
    interaction: [
      { code: 'read' },
      { code: 'search-type' },
      { code: 'history-instance' },
      ...(options.history ? [{ code: 'history-type' as const }] : []),
    ],
    versioning: 'versioned',
    searchParam: options.params.map((name) => ({ name, type: 'token' as const })),
    ...(type === 'Patient' ? { searchRevInclude: ['Condition:subject', 'AllergyIntolerance:patient'] } : {}),
    ...(options.operations === undefined ? {} : { operation: options.operations }),
  };
}

/** Shaped like an NHS Shared Care Record's statement (HAPI-style), optionally with history and bulk export. */
function statement(options: { history: boolean; exports: boolean }): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2025-01-15T09:00:00Z',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    software: { name: 'Shared Care Record', version: '7.2.0' },
    implementation: { description: 'Nottinghamshire SCR', url: 'https://scr.example.nhs.uk/fhir' },
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            { coding: [{ system: 'http://hl7.org/fhir/restful-security-service', code: 'SMART-on-FHIR' }] },
          ],
        },
        resource: [
          resource('Patient', {
            history: options.history,
            params: ['identifier', 'address-postalcode', 'general-practitioner', 'birthdate'],
            operations: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
              },
              { name: 'summary', definition: 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary|1.1.0' },
              ...(options.exports ? [{ name: 'export', definition: `${bulk}/patient-export` }] : []),
            ],
          }),
          resource('Condition', {
            history: options.history,
            params: ['patient', 'subject', 'clinical-status'],
          }),
          resource('Group', {
            history: false,
            params: ['identifier'],
            ...(options.exports
              ? { operations: [{ name: '$export', definition: `${bulk}/group-export` }] }
              : {}),
          }),
        ],
        interaction: [
          { code: 'transaction' },
          ...(options.history ? [{ code: 'history-system' as const }] : []),
        ],
        searchParam: [
          { name: '_lastUpdated', type: 'date' },
          { name: '_id', type: 'token' },
        ],
        ...(options.exports ? { operation: [{ name: 'export', definition: `${bulk}/export` }] } : {}),
      },
    ],
  };
}

describe('parseCapabilityStatement', () => {
  it('reads history, bulk export, $summary/$everything, search parameters and _revinclude from a full statement', () => {
    const capabilities = parseCapabilityStatement(statement({ history: true, exports: true }), url);

    expect(capabilities.fhirVersion).toBe('4.0.1');
    expect(capabilities.historySystem).toBe(true);
    expect([...capabilities.historyType].sort()).toEqual(['Condition', 'Patient']);
    expect(capabilities.bulkExport).toEqual({ system: true, patient: true, group: true });
    expect(capabilities.patientSummary).toBe(true);
    expect(capabilities.patientEverything).toBe(true);
    expect(capabilities.searchParams.get('Patient')?.has('address-postalcode')).toBe(true);
    expect(capabilities.searchParams.get('Condition')?.has('_lastUpdated')).toBe(true); // declared for all types
    expect(capabilities.searchParams.get('Observation')).toBeUndefined();
    expect([...(capabilities.searchRevInclude.get('Patient') ?? [])]).toEqual([
      'Condition:subject',
      'AllergyIntolerance:patient',
    ]);
  });

  it('reports no history and no bulk export when the statement declares neither', () => {
    const capabilities = parseCapabilityStatement(statement({ history: false, exports: false }), url);

    expect(capabilities.historySystem).toBe(false);
    expect(capabilities.historyType.size).toBe(0);
    expect(capabilities.bulkExport).toEqual({ system: false, patient: false, group: false });
    expect(capabilities.patientSummary).toBe(true);
  });

  it('rejects something that is not a CapabilityStatement, or one without a server rest entry', () => {
    expect(() => parseCapabilityStatement({ resourceType: 'Bundle' }, url)).toThrow(InvalidResponseError);
    expect(() => parseCapabilityStatement({ resourceType: 'CapabilityStatement', rest: [] }, url)).toThrow(
      /fhirVersion/,
    );
    expect(() =>
      parseCapabilityStatement(
        { resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ mode: 'client' }] },
        url,
      ),
    ).toThrow(/no rest entry for a server/);
  });
});

describe('FhirClient.capabilities', () => {
  it('fetches /metadata once and caches it, but does not cache a failed or invalid answer', async () => {
    let count = 0;
    server = await startServer((_request, response) => {
      count += 1;
      if (count === 1)
        sendJson(response, 400, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'invalid' }],
        });
      else if (count === 2) sendJson(response, 200, { resourceType: 'Bundle', type: 'searchset' });
      else sendJson(response, 200, statement({ history: true, exports: false }));
    });
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth, sleep: recordingSleep().sleep });

    await expect(client.capabilities()).rejects.toThrow(/HTTP 400/);
    await expect(client.capabilities()).rejects.toThrow(/not a usable CapabilityStatement/);
    const [first, second] = await Promise.all([client.capabilities(), client.capabilities()]);
    const third = await client.capabilities();

    expect(first.historySystem).toBe(true);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(server.requests.map((request) => request.path)).toEqual([
      '/fhir/metadata',
      '/fhir/metadata',
      '/fhir/metadata',
    ]);
  });
});
