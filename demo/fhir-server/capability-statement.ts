// The server's R4 CapabilityStatement (`GET /metadata`): what clients read to choose a sync strategy.
// See https://hl7.org/fhir/R4/capabilitystatement.html and the Bulk Data IG server capability.
import './websocket-shim';
import { getResourceTypes, getSearchParameters } from '@medplum/core';
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  ResourceType,
} from '@medplum/fhirtypes';

export interface CapabilityOptions {
  readonly name: string;
  readonly baseUrl: string;
  readonly history: boolean;
  readonly bulkExport: boolean;
}

export const BULK_DATA_CAPABILITY = 'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data';
const BULK = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';
const FHIR_SEARCH_PARAMETER_TYPES = new Set([
  'number',
  'date',
  'string',
  'token',
  'reference',
  'composite',
  'quantity',
  'uri',
  'special',
]);

function resourceEntry(resourceType: string, options: CapabilityOptions): CapabilityStatementRestResource {
  const interactions: CapabilityStatementRestResourceInteraction['code'][] = [
    'read',
    'vread',
    'update',
    'patch',
    'delete',
    'history-instance',
    'create',
    'search-type',
  ];
  if (options.history) {
    interactions.push('history-type');
  }
  const searchParam = Object.values(getSearchParameters(resourceType) ?? {})
    .filter((parameter) => FHIR_SEARCH_PARAMETER_TYPES.has(parameter.type))
    .map((parameter) => ({
      name: parameter.code,
      type: parameter.type,
      ...(parameter.url ? { definition: parameter.url } : {}),
    }));
  const resource: CapabilityStatementRestResource = {
    type: resourceType as ResourceType,
    interaction: interactions.map((code) => ({ code })),
    versioning: 'versioned',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: true,
    conditionalDelete: 'single',
    searchParam,
  };
  if (resourceType === 'Patient') {
    resource.searchRevInclude = ['*'];
    resource.operation = [
      { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
      { name: 'summary', definition: 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary' },
      ...(options.bulkExport ? [{ name: 'export', definition: `${BULK}/patient-export` }] : []),
    ];
  }
  if (resourceType === 'Group' && options.bulkExport) {
    resource.operation = [{ name: 'export', definition: `${BULK}/group-export` }];
  }
  return resource;
}

const cache = new Map<string, CapabilityStatement>();

/** The statement (built once per option set); history-type/-system appear only when `_history` is served. */
export function capabilityStatement(options: CapabilityOptions): CapabilityStatement {
  const key = JSON.stringify(options);
  let statement = cache.get(key);
  if (!statement) {
    statement = buildCapabilityStatement(options);
    cache.set(key, statement);
  }
  return statement;
}

function buildCapabilityStatement(options: CapabilityOptions): CapabilityStatement {
  const systemInteractions: ('transaction' | 'batch' | 'search-system' | 'history-system')[] = [
    'transaction',
    'batch',
    'search-system',
  ];
  if (options.history) {
    systemInteractions.push('history-system');
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    name: options.name.replaceAll(/[^A-Za-z0-9]/g, ''),
    title: options.name,
    publisher: 'Kerbside demo',
    software: { name: 'Kerbside demo FHIR server (Medplum fhir-router)', version: '0.1.0' },
    implementation: { description: options.name, url: options.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    ...(options.bulkExport ? { instantiates: [BULK_DATA_CAPABILITY] } : {}),
    rest: [
      {
        mode: 'server',
        documentation:
          'Searches by patient/subject, Patient cohort (address-postalcode, general-practitioner) and ' +
          '_lastUpdated are served from indexes; _history pages use an opaque _cursor; deletions appear ' +
          "in _history as DELETE entries with response.status '204 No Content'.",
        security: { cors: true, description: 'Demo server: no authentication.' },
        resource: getResourceTypes().map((type) => resourceEntry(type, options)),
        interaction: systemInteractions.map((code) => ({ code })),
        operation: options.bulkExport ? [{ name: 'export', definition: `${BULK}/export` }] : [],
      },
    ],
  };
}
