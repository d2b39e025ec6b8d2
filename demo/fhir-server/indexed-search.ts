// Searches answered from this server's indexes (patient compartment, postcode, GP, change log) instead of
// Medplum's linear scan. Returns undefined for any search it cannot answer exactly; the caller then asks Medplum.
import './websocket-shim';
import { matchesSearchRequest, parseSearchRequest } from '@medplum/core';
import type { Resource, ResourceType } from '@medplum/fhirtypes';
import type { ChangeEntry } from './change-log';
import type { IndexedStore } from './indexed-store';
import { badRequest } from './outcomes';
import { patientField, patientIdFromReference } from './patient-index';

/** Parameters that shape the result rather than filter it. */
const CONTROL_PARAMETERS = new Set([
  '_count',
  '_offset',
  '_sort',
  '_total',
  '_format',
  '_pretty',
  '_revinclude',
]);
/** Filters that Medplum's matcher cannot evaluate resource by resource. */
const UNMATCHABLE = /^(_has|_include|_elements|_summary|_text|_content|_list|_query|_filter|_type|_cursor)/;
const SUPPORTED_SORTS = new Set(['_lastUpdated', '-_lastUpdated', '_id', '-_id']);
const GP_TARGETS: readonly ResourceType[] = ['Organization', 'Practitioner', 'PractitionerRole'];
const CACHE_SIZE = 16;
/** Task reference parameters searchable with `:identifier` (logical references, as dispatch addresses vehicles). */
const TASK_REFERENCES: Readonly<Record<string, 'owner' | 'for' | 'requester'>> = {
  'owner:identifier': 'owner',
  'patient:identifier': 'for',
  'requester:identifier': 'requester',
};
/** `general-practitioner.identifier`, optionally typed (`general-practitioner:Organization.identifier`). */
const GP_CHAIN = /^general-practitioner(?::(Organization|Practitioner|PractitionerRole))?\.identifier$/;

type TimePredicate = (time: number) => boolean;

interface CompiledSearch {
  /** Exact candidate id sets from indexes, to intersect (empty: no index applies). */
  readonly idSets: Set<string>[];
  readonly timePredicates: TimePredicate[];
  /** Lower bound of `_lastUpdated`, to start a change-log scan. */
  readonly since: number;
  /** Remaining filters, checked with Medplum's matcher on each candidate. */
  readonly residual: [string, string][];
}

export class IndexedSearch {
  private readonly cache = new Map<string, readonly ChangeEntry[]>();

  constructor(private readonly store: IndexedStore) {}

  /** Latest change entries of the matching live resources, in result order; undefined if not indexable. */
  async search(resourceType: string, query: URLSearchParams): Promise<readonly ChangeEntry[] | undefined> {
    const sort = query.get('_sort');
    if (
      (sort !== null && !SUPPORTED_SORTS.has(sort)) ||
      this.revIncludeTypes(resourceType, query) === undefined
    ) {
      return undefined;
    }
    const key = cacheKey(resourceType, query, this.store.changes.head);
    const cached = this.cache.get(key);
    if (cached) {
      return cached;
    }
    const compiled = await this.compile(resourceType, query);
    if (
      !compiled ||
      (compiled.idSets.length === 0 && compiled.timePredicates.length === 0 && compiled.residual.length > 0)
    ) {
      return undefined;
    }
    const result = this.evaluate(resourceType, compiled, sort);
    this.cache.set(key, result);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) {
        this.cache.delete(oldest.value);
      }
    }
    return result;
  }

  /**
   * A predicate for one `_typeFilter` / member-filter query (bulk export): exact id sets where indexes apply,
   * Medplum's matcher for the rest, so that it can be evaluated resource by resource in chunks.
   */
  async compileFilter(
    resourceType: string,
    query: URLSearchParams,
  ): Promise<(resource: Resource) => boolean> {
    const compiled = await this.compile(resourceType, query);
    if (!compiled) {
      throw badRequest(
        `Filter ${resourceType}?${query.toString()} is not supported in bulk export`,
        '_typeFilter',
      );
    }
    const residual = residualRequest(resourceType, compiled.residual);
    return (resource) =>
      compiled.idSets.every((ids) => ids.has(resource.id ?? '')) &&
      compiled.timePredicates.every((predicate) => predicate(Date.parse(resource.meta?.lastUpdated ?? ''))) &&
      (residual === undefined || matchesSearchRequest(resource, residual));
  }

  /** Types to reverse-include for a Patient search: a set, 'none', or undefined when not indexable. */
  revIncludeTypes(
    resourceType: string,
    query: URLSearchParams,
  ): ReadonlySet<string> | 'all' | 'none' | undefined {
    const values = query.getAll('_revinclude');
    if (values.length === 0) {
      return 'none';
    }
    if (resourceType !== 'Patient') {
      return undefined;
    }
    const types = new Set<string>();
    for (const value of values) {
      if (value === '*') {
        return 'all';
      }
      const [type, parameter, target] = value.split(':');
      const field = type === undefined ? undefined : patientField(type);
      if (type === undefined || field === undefined || (target !== undefined && target !== 'Patient')) {
        return undefined;
      }
      if (parameter !== 'patient' && parameter !== field) {
        return undefined;
      }
      types.add(type);
    }
    return types;
  }

  private async compile(resourceType: string, query: URLSearchParams): Promise<CompiledSearch | undefined> {
    const idSets: Set<string>[] = [];
    const timePredicates: TimePredicate[] = [];
    const residual: [string, string][] = [];
    let since = 0;
    for (const [name, rawValue] of query) {
      if (CONTROL_PARAMETERS.has(name)) {
        continue;
      }
      if (UNMATCHABLE.test(name)) {
        return undefined;
      }
      const values = rawValue.split(',').filter((value) => value !== '');
      if (name === '_id') {
        idSets.push(new Set(values));
      } else if (name === '_lastUpdated') {
        const predicate = timePredicate(rawValue.replaceAll(' ', '+'));
        timePredicates.push(predicate.test);
        since = Math.max(since, predicate.lowerBound);
      } else if ((name === 'patient' || name === 'subject') && patientField(resourceType) !== undefined) {
        const ids = values.map((value) =>
          name === 'patient' && !value.includes('/') ? value : patientIdFromReference(value),
        );
        if (
          (name === 'subject' && patientField(resourceType) !== 'subject') ||
          ids.some((id) => id === undefined)
        ) {
          return undefined;
        }
        idSets.push(this.compartmentIds(resourceType, ids as string[]));
      } else if (resourceType === 'Patient' && name === 'address-postalcode') {
        idSets.push(this.store.cohorts.byPostcodePrefixes(values));
      } else if (resourceType === 'Patient' && name === 'general-practitioner') {
        idSets.push(this.store.cohorts.byPractitionerReferences(values));
      } else if (resourceType === 'Patient' && GP_CHAIN.test(name)) {
        const target = GP_CHAIN.exec(name)?.[1] as ResourceType | undefined;
        idSets.push(await this.patientsOfPractitionerIdentifier(rawValue, target ? [target] : GP_TARGETS));
      } else if (
        resourceType === 'Patient' &&
        name === 'general-practitioner:identifier' &&
        rawValue.includes('|')
      ) {
        const [system = '', value = ''] = rawValue.split('|');
        idSets.push(this.store.cohorts.byPractitionerIdentifier(system, value));
      } else if (resourceType === 'Task' && TASK_REFERENCES[name] !== undefined) {
        idSets.push(this.tasksByReferenceIdentifier(TASK_REFERENCES[name], values));
      } else if (name.includes('.') || name.includes(':') || name.startsWith('_')) {
        return undefined;
      } else {
        residual.push([name, rawValue]);
      }
    }
    return { idSets, timePredicates, since, residual };
  }

  private evaluate(resourceType: string, compiled: CompiledSearch, sort: string | null): ChangeEntry[] {
    const { changes } = this.store;
    const candidates: ChangeEntry[] = [];
    if (compiled.idSets.length > 0) {
      const [smallest, ...others] = [...compiled.idSets].sort((a, b) => a.size - b.size);
      for (const id of smallest ?? []) {
        const entry = changes.latest(resourceType, id);
        if (entry && entry.method !== 'DELETE' && others.every((ids) => ids.has(id))) {
          candidates.push(entry);
        }
      }
    } else if (compiled.timePredicates.length > 0) {
      for (let seq = changes.firstSeqAtOrAfter(compiled.since); seq <= changes.head; seq++) {
        const entry = changes.at(seq);
        if (
          entry?.resourceType === resourceType &&
          entry.method !== 'DELETE' &&
          changes.latest(resourceType, entry.id) === entry
        ) {
          candidates.push(entry);
        }
      }
    } else {
      for (const entry of changes.latestOfType(resourceType)) {
        if (entry.method !== 'DELETE') {
          candidates.push(entry);
        }
      }
    }
    const residual = residualRequest(resourceType, compiled.residual);
    const result = candidates.filter((entry) => {
      if (!compiled.timePredicates.every((predicate) => predicate(Date.parse(entry.lastUpdated)))) {
        return false;
      }
      const resource = residual ? this.store.current(resourceType, entry.id) : undefined;
      return residual === undefined || (resource !== undefined && matchesSearchRequest(resource, residual));
    });
    return result.sort(comparator(sort));
  }

  /** Tasks whose reference field holds an identifier matching any `system|value` or bare `value` token. */
  private tasksByReferenceIdentifier(
    field: 'owner' | 'for' | 'requester',
    tokens: readonly string[],
  ): Set<string> {
    const ids = new Set<string>();
    for (const entry of this.store.changes.latestOfType('Task')) {
      const task = this.store.contentOf(entry);
      if (task?.resourceType !== 'Task') continue;
      const identifier = task[field]?.identifier;
      if (identifier?.value === undefined) continue;
      const matches = tokens.some((token) => {
        const bar = token.indexOf('|');
        return bar < 0
          ? token === identifier.value
          : token.slice(0, bar) === (identifier.system ?? '') && token.slice(bar + 1) === identifier.value;
      });
      if (matches) ids.add(task.id ?? '');
    }
    return ids;
  }

  private compartmentIds(resourceType: string, patientIds: readonly string[]): Set<string> {
    const types = new Set([resourceType]);
    const ids = new Set<string>();
    for (const patientId of patientIds) {
      for (const member of this.store.patients.members(patientId, types)) {
        ids.add(member.id);
      }
    }
    return ids;
  }

  private async patientsOfPractitionerIdentifier(
    identifier: string,
    targets: readonly ResourceType[],
  ): Promise<Set<string>> {
    const references: string[] = [];
    for (const targetType of targets) {
      const bundle = await this.store.medplum.repo.search(
        parseSearchRequest(targetType, { identifier, _count: String(MAX_TARGETS) }),
      );
      for (const entry of bundle.entry ?? []) {
        references.push(`${targetType}/${entry.resource?.id ?? ''}`);
      }
    }
    return this.store.cohorts.byPractitionerReferences(references);
  }
}

const MAX_TARGETS = 1000;

function residualRequest(resourceType: string, residual: readonly [string, string][]) {
  if (residual.length === 0) {
    return undefined;
  }
  const query: Record<string, string[]> = {};
  for (const [name, value] of residual) {
    (query[name] ??= []).push(value);
  }
  return parseSearchRequest(resourceType as ResourceType, query);
}

function cacheKey(resourceType: string, query: URLSearchParams, head: number): string {
  const parts = [...query]
    .filter(([name]) => name !== '_count' && name !== '_offset')
    .map(([n, v]) => `${n}=${v}`);
  return `${resourceType}?${parts.sort().join('&')}@${head}`;
}

function comparator(sort: string | null): (a: ChangeEntry, b: ChangeEntry) => number {
  switch (sort) {
    case '_lastUpdated':
      return (a, b) => a.time - b.time || a.seq - b.seq;
    case '-_lastUpdated':
      return (a, b) => b.time - a.time || b.seq - a.seq;
    case '_id':
      return (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    case '-_id':
      return (a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    case null:
    default:
      return (a, b) => a.ordinal - b.ordinal;
  }
}

/** A `_lastUpdated` comparison (`gt2024-05-01T10:00:00Z`, `le2024-05`, ...) with FHIR precision ranges. */
export function timePredicate(value: string): { test: TimePredicate; lowerBound: number } {
  const prefixMatch = /^(eq|ne|gt|ge|lt|le|sa|eb)?(.*)$/.exec(value);
  const prefix = prefixMatch?.[1] ?? 'eq';
  const range = instantRange(prefixMatch?.[2] ?? '');
  if (!range) {
    throw badRequest(`Invalid _lastUpdated value: ${value}`, '_lastUpdated');
  }
  const [start, end] = range;
  switch (prefix) {
    case 'gt':
    case 'sa':
      return { test: (t) => t >= end, lowerBound: end };
    case 'ge':
      return { test: (t) => t >= start, lowerBound: start };
    case 'lt':
    case 'eb':
      return { test: (t) => t < start, lowerBound: 0 };
    case 'le':
      return { test: (t) => t < end, lowerBound: 0 };
    case 'ne':
      return { test: (t) => t < start || t >= end, lowerBound: 0 };
    default:
      return { test: (t) => t >= start && t < end, lowerBound: start };
  }
}

/** [start, end) in epoch ms covered by a FHIR date/dateTime/instant at its precision (no zone = UTC). */
export function instantRange(value: string): [number, number] | undefined {
  const match =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value,
    );
  if (!match) {
    return undefined;
  }
  const [, year = '', month, day, hour, minute, second, fraction, zone] = match;
  if (hour === undefined) {
    const y = Number(year);
    const m = month === undefined ? 0 : Number(month) - 1;
    const start = Date.UTC(y, m, day === undefined ? 1 : Number(day));
    const end =
      day !== undefined
        ? Date.UTC(y, m, Number(day) + 1)
        : month !== undefined
          ? Date.UTC(y, m + 1, 1)
          : Date.UTC(y + 1, 0, 1);
    return [start, end];
  }
  const start = Date.parse(
    `${year}-${month ?? ''}-${day ?? ''}T${hour}:${minute ?? ''}:${second ?? '00'}${fraction ?? ''}${zone ?? 'Z'}`,
  );
  if (Number.isNaN(start)) {
    return undefined;
  }
  const digits = fraction === undefined ? 0 : fraction.length - 1;
  const unit =
    second === undefined ? 60_000 : digits === 0 ? 1000 : Math.max(1, 10 ** (3 - Math.min(3, digits)));
  return [start, start + unit];
}
