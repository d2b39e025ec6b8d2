// Bulk Data kick-off parameters (`_type`, `_since`, `_typeFilter`, `_outputFormat`) and Group cohorts.
// See https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters.
import './websocket-shim';
import { isResourceType } from '@medplum/core';
import type { Group, Resource } from '@medplum/fhirtypes';
import type { IndexedSearch } from './indexed-search';
import type { IndexedStore } from './indexed-store';
import { badRequest, httpError, notFound } from './outcomes';
import { patientIdFromReference } from './patient-index';

export const MEMBER_FILTER_URL = 'http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter';
const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

export type ExportLevel =
  | { readonly kind: 'system' }
  | { readonly kind: 'patient' }
  | { readonly kind: 'group'; readonly groupId: string };

export interface ExportParameters {
  /** Requested types, or undefined for all the level allows. */
  readonly types: ReadonlySet<string> | undefined;
  /** `_since` in epoch ms. */
  readonly since: number | undefined;
  /** Per type, the `_typeFilter` queries (a resource passes if it matches any of them). */
  readonly typeFilters: ReadonlyMap<string, readonly URLSearchParams[]>;
  /** `patient` references of a POST kick-off: only these patients' compartments, or undefined for all. */
  readonly patients: ReadonlySet<string> | undefined;
}

/** Kick-off parameters from the query string (GET) or a Parameters body (POST). */
export function exportParameters(query: URLSearchParams, body: Resource | undefined): ExportParameters {
  const all = new URLSearchParams(query);
  if (all.has('patient')) {
    throw badRequest('The patient parameter is only accepted in a POST Parameters body', 'patient');
  }
  let patients: Set<string> | undefined;
  if (body) {
    if (body.resourceType !== 'Parameters') {
      throw badRequest('POST $export takes a Parameters resource');
    }
    for (const parameter of body.parameter ?? []) {
      if (parameter.name === 'patient') {
        // https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters: patient is 0..* valueReference.
        const patientId = patientIdFromReference(parameter.valueReference?.reference);
        if (patientId === undefined) {
          throw badRequest('patient must be a valueReference to Patient/{id}', 'patient');
        }
        (patients ??= new Set()).add(patientId);
        continue;
      }
      const value =
        parameter.valueString ?? parameter.valueInstant ?? parameter.valueDateTime ?? parameter.valueCode;
      if (parameter.name && value !== undefined) {
        all.append(parameter.name, value);
      }
    }
  }
  const format = all.get('_outputFormat');
  if (format !== null && !NDJSON_FORMATS.has(format)) {
    throw badRequest(`Unsupported _outputFormat ${format}: only application/fhir+ndjson`, '_outputFormat');
  }
  let types: Set<string> | undefined;
  for (const value of all.getAll('_type')) {
    for (const type of value
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')) {
      if (!isResourceType(type)) {
        throw badRequest(`Unknown resource type in _type: ${type}`, '_type');
      }
      (types ??= new Set()).add(type);
    }
  }
  let since: number | undefined;
  const sinceText = all.get('_since');
  if (sinceText !== null) {
    since = Date.parse(sinceText.replaceAll(' ', '+'));
    if (Number.isNaN(since) || !/^\d{4}-\d{2}-\d{2}T/.test(sinceText)) {
      throw badRequest('_since must be a FHIR instant', '_since');
    }
  }
  const typeFilters = new Map<string, URLSearchParams[]>();
  for (const value of all.getAll('_typeFilter')) {
    // Several queries may share one parameter, comma separated; a comma inside a query is an OR of values.
    for (const filter of value.split(/,(?=[A-Z][A-Za-z]+\?)/)) {
      const [type = '', search = ''] = filter.split(/\?(.*)/s);
      if (!isResourceType(type) || search === '') {
        throw badRequest(`_typeFilter must be Type?search, got ${filter}`, '_typeFilter');
      }
      typeFilters.set(type, [...(typeFilters.get(type) ?? []), new URLSearchParams(search)]);
    }
  }
  return { types, since, typeFilters, patients };
}

/**
 * Members of a Group at kick-off: `member.entity` Patient references (actual groups), plus, for Bulk Cohort
 * style groups, every Patient matching ANY of the `member-filter` expressions (a union).
 */
export async function groupMembers(
  store: IndexedStore,
  search: IndexedSearch,
  groupId: string,
): Promise<Set<string>> {
  const group = store.current('Group', groupId) as Group | undefined;
  if (!group) {
    throw store.isDeleted('Group', groupId)
      ? httpError(410, 'deleted', `Group/${groupId} has been deleted`)
      : notFound(`Group/${groupId} not found`);
  }
  const members = new Set<string>();
  for (const member of group.member ?? []) {
    const patientId = patientIdFromReference(member.entity.reference);
    if (patientId && member.inactive !== true) {
      members.add(patientId);
    }
  }
  for (const extension of group.modifierExtension ?? []) {
    if (extension.url !== MEMBER_FILTER_URL) {
      continue;
    }
    const expression = extension.valueExpression?.expression ?? '';
    const match = /^Patient\?(.+)$/s.exec(expression);
    if (!match?.[1]) {
      throw badRequest(
        `member-filter must be a Patient search, got ${expression}`,
        'Group.modifierExtension',
      );
    }
    for (const patientId of await matchingPatients(store, search, new URLSearchParams(match[1]))) {
      members.add(patientId);
    }
  }
  return members;
}

async function matchingPatients(
  store: IndexedStore,
  search: IndexedSearch,
  query: URLSearchParams,
): Promise<string[]> {
  const indexed = await search.search('Patient', query);
  if (indexed) {
    return indexed.map((entry) => entry.id);
  }
  const predicate = await search.compileFilter('Patient', query);
  const ids: string[] = [];
  for (const entry of store.changes.latestOfType('Patient')) {
    const patient = store.current('Patient', entry.id);
    if (patient && predicate(patient)) {
      ids.push(entry.id);
    }
  }
  return ids;
}
