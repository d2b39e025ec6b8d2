// Turns the projection input (plain resources, document and searchset Bundles) into one de-duplicated set
// for one patient: entered-in-error and other patients' resources removed, references resolvable.
import type { Environment, Expression, JsonObject } from './fhirpath-eval';
import {
  compileExpression,
  evaluate,
  evaluateGroup,
  firstString,
  isJsonObject,
  objectArrayField,
  objectField,
  stringField,
} from './fhirpath-eval';
import { NHS_NUMBER_SYSTEM } from './codes';
import { ProjectionError } from './projection-error';
import type { ItemSource, SourceIcb, UnreadableItem } from './summary-model';
import { compareDatesNewestFirst, humanNameText } from './values';

export interface ResourceRecord {
  readonly resource: JsonObject;
  readonly resourceType: string;
  readonly source: ItemSource;
  readonly fullUrl?: string;
}

export interface ResourceSet {
  readonly icb: SourceIcb;
  readonly patient: ResourceRecord;
  /** Every kept resource except the Patient, in input order. */
  readonly records: readonly ResourceRecord[];
  readonly unreadable: UnreadableItem[];
  ofType(resourceType: string): readonly ResourceRecord[];
  /** Resolves a Reference: contained (#id), relative (Type/id), absolute URL or a Bundle fullUrl. */
  resolve(reference: JsonObject | undefined, from: ResourceRecord): ResourceRecord | undefined;
}

const MAX_BUNDLE_DEPTH = 3;

/**
 * Plumbing read on every resource (status, docStatus, verificationStatus codes, subject/patient) is plain
 * top-level JSON, so it is read directly: a FHIRPath pass over every resource cost about 40% of the
 * projection (fhirpath.js spends 1.5-3 us per element per resource). Clinical fields use FHIRPath.
 */
function isEnteredInError(resource: JsonObject): boolean {
  if (resource.status === 'entered-in-error' || resource.docStatus === 'entered-in-error') return true;
  return objectArrayField(objectField(resource, 'verificationStatus'), 'coding').some(
    (coding) => coding.code === 'entered-in-error',
  );
}

function subjectReferences(resource: JsonObject): JsonObject[] {
  return [objectField(resource, 'subject'), objectField(resource, 'patient')].filter(
    (reference): reference is JsonObject => reference !== undefined,
  );
}
const patientNhsNumber = compileExpression('identifier.where(system = %nhsSystem).value');

/** One resource with the values of the expressions read for it. */
export interface Row<K extends string> {
  readonly record: ResourceRecord;
  readonly fields: Readonly<Record<K, readonly unknown[]>>;
}

interface Candidate {
  readonly resource: JsonObject;
  readonly resourceType: string;
  readonly fullUrl?: string;
}

function flatten(
  input: unknown,
  depth: number,
  out: Candidate[],
  rejected: unknown[],
  fullUrl?: string,
): void {
  if (!isJsonObject(input) || typeof input.resourceType !== 'string' || input.resourceType === '') {
    rejected.push(input);
    return;
  }
  if (input.resourceType === 'Bundle') {
    if (depth >= MAX_BUNDLE_DEPTH) return;
    for (const entry of objectArrayField(input, 'entry')) {
      if (entry.resource !== undefined)
        flatten(entry.resource, depth + 1, out, rejected, stringField(entry, 'fullUrl'));
    }
    return;
  }
  out.push({
    resource: input,
    resourceType: input.resourceType,
    ...(fullUrl === undefined ? {} : { fullUrl }),
  });
}

function sourceOf(icb: SourceIcb, candidate: Candidate, position: number): ItemSource {
  const lastUpdated = stringField(
    isJsonObject(candidate.resource.meta) ? candidate.resource.meta : undefined,
    'lastUpdated',
  );
  const id = stringField(candidate.resource, 'id') ?? candidate.fullUrl ?? `unidentified-${position}`;
  return lastUpdated === undefined
    ? { icb: icb.odsCode, resourceType: candidate.resourceType, id }
    : { icb: icb.odsCode, resourceType: candidate.resourceType, id, lastUpdated };
}

/**
 * Evaluates each expression once over the whole group (see evaluateGroup) and returns one row per record.
 * If a group evaluation throws, it is retried one record at a time: the records that fail are reported in
 * `unreadable` and left out, so one malformed resource never hides the others.
 */
export function readFields<K extends string>(
  records: readonly ResourceRecord[],
  expressions: Readonly<Record<K, Expression>>,
  unreadable: UnreadableItem[],
  environment?: Environment,
): Row<K>[] {
  if (records.length === 0) return [];
  const resources = records.map((record) => record.resource);
  const keys = Object.keys(expressions) as K[];
  const results = new Map<K, Map<unknown, unknown[]>>();
  const failed = new Set<ResourceRecord>();
  for (const key of keys) {
    const expression = expressions[key];
    try {
      results.set(key, evaluateGroup(expression, resources, environment));
    } catch {
      const one = new Map<unknown, unknown[]>();
      for (const record of records) {
        if (failed.has(record)) continue;
        try {
          one.set(record.resource, evaluate(expression, record.resource, environment));
        } catch (error) {
          failed.add(record);
          unreadable.push({ source: record.source, reason: `Could not be read: ${String(error)}` });
        }
      }
      results.set(key, one);
    }
  }
  return records
    .filter((record) => !failed.has(record))
    .map((record) => {
      const fields = {} as Record<K, readonly unknown[]>;
      for (const key of keys) fields[key] = results.get(key)?.get(record.resource) ?? [];
      return { record, fields };
    });
}

interface PatientIdentity {
  readonly references: ReadonlySet<string>;
  readonly suffix: string;
  readonly otherReferences: ReadonlySet<string>;
  readonly nhsNumber?: string;
}

/** Whether any subject/patient Reference points at a Patient other than this one. */
function refersToAnotherPatient(references: readonly JsonObject[], patient: PatientIdentity): boolean {
  return references.some((reference) => {
    const target = stringField(reference, 'reference');
    if (target !== undefined) {
      if (patient.otherReferences.has(target)) return true;
      if (
        target.includes('Patient/') &&
        !patient.references.has(target) &&
        !target.endsWith(patient.suffix)
      ) {
        return true;
      }
    }
    const identifier = isJsonObject(reference.identifier) ? reference.identifier : undefined;
    const value = stringField(identifier, 'value');
    return (
      patient.nhsNumber !== undefined &&
      stringField(identifier, 'system') === NHS_NUMBER_SYSTEM &&
      value !== undefined &&
      value !== patient.nhsNumber
    );
  });
}

/**
 * Flattens Bundles (document and searchset), de-duplicates by type/id (newest meta.lastUpdated wins),
 * drops entered-in-error resources and those about another patient.
 * @see https://hl7.org/fhir/R4/bundle.html#references
 * @throws ProjectionError when no Patient is present.
 */
export function buildResourceSet(icb: SourceIcb, resources: readonly unknown[]): ResourceSet {
  const candidates: Candidate[] = [];
  const rejected: unknown[] = [];
  for (const resource of resources) flatten(resource, 0, candidates, rejected);
  const unreadable: UnreadableItem[] = rejected.map((_, index) => ({
    source: { icb: icb.odsCode, resourceType: 'unknown', id: `not-a-resource-${index}` },
    reason: 'Not a FHIR resource',
  }));

  const byKey = new Map<string, ResourceRecord>();
  const anonymous: ResourceRecord[] = [];
  candidates.forEach((candidate, position) => {
    const record: ResourceRecord = { ...candidate, source: sourceOf(icb, candidate, position) };
    if (stringField(candidate.resource, 'id') === undefined && candidate.fullUrl === undefined) {
      anonymous.push(record);
      return;
    }
    const key = `${record.resourceType}/${record.source.id}`;
    const existing = byKey.get(key);
    if (
      existing === undefined ||
      compareDatesNewestFirst(record.source.lastUpdated, existing.source.lastUpdated) < 0
    ) {
      byKey.set(key, record);
    }
  });
  const all = [...byKey.values(), ...anonymous];

  const usable = all.filter((record) => !isEnteredInError(record.resource));

  const patients = usable.filter((record) => record.resourceType === 'Patient');
  const patient = patients[0];
  if (patient === undefined) throw new ProjectionError('No Patient resource in the record', 'no-patient');
  for (const other of patients.slice(1)) {
    unreadable.push({ source: other.source, reason: 'A second Patient resource: only the first is shown' });
  }

  const identity: PatientIdentity = {
    references: new Set([
      `Patient/${patient.source.id}`,
      ...(patient.fullUrl === undefined ? [] : [patient.fullUrl]),
    ]),
    suffix: `/Patient/${patient.source.id}`,
    otherReferences: new Set(
      patients.slice(1).flatMap((other) => (other.fullUrl === undefined ? [] : [other.fullUrl])),
    ),
    nhsNumber: firstString(evaluate(patientNhsNumber, patient.resource, { nhsSystem: NHS_NUMBER_SYSTEM })),
  };
  const records: ResourceRecord[] = [];
  for (const record of usable) {
    if (record.resourceType === 'Patient') continue;
    if (refersToAnotherPatient(subjectReferences(record.resource), identity)) {
      unreadable.push({ source: record.source, reason: 'Refers to a different patient: not shown' });
    } else {
      records.push(record);
    }
  }

  const byType = new Map<string, ResourceRecord[]>();
  const index = new Map<string, ResourceRecord>();
  for (const record of [patient, ...records]) {
    const group = byType.get(record.resourceType);
    if (group === undefined) byType.set(record.resourceType, [record]);
    else group.push(record);
    index.set(`${record.resourceType}/${record.source.id}`, record);
    if (record.fullUrl !== undefined) index.set(record.fullUrl, record);
  }

  return {
    icb,
    patient,
    records,
    unreadable,
    ofType: (resourceType) => byType.get(resourceType) ?? [],
    resolve: (reference, from) => resolveReference(reference, from, index),
  };
}

function resolveReference(
  reference: JsonObject | undefined,
  from: ResourceRecord,
  index: ReadonlyMap<string, ResourceRecord>,
): ResourceRecord | undefined {
  const target = stringField(reference, 'reference');
  if (target === undefined) return undefined;
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const contained = objectArrayField(from.resource, 'contained').find((item) => item.id === id);
    const resourceType = stringField(contained, 'resourceType');
    if (contained === undefined || resourceType === undefined) return undefined;
    return { resource: contained, resourceType, source: from.source };
  }
  const direct = index.get(target);
  if (direct !== undefined) return direct;
  // Absolute URL or versioned reference: match on the trailing Type/id.
  const match = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(target);
  return match === null ? undefined : index.get(`${match[1] ?? ''}/${match[2] ?? ''}`);
}

/** A Reference's display, else the name of the resource it points to (Organization, Practitioner...). */
export function referenceName(
  set: ResourceSet,
  reference: JsonObject | undefined,
  from: ResourceRecord,
): string | undefined {
  const display = stringField(reference, 'display');
  if (display !== undefined) return display;
  const target = set.resolve(reference, from)?.resource;
  const name = target?.name;
  if (typeof name === 'string' && name !== '') return name;
  if (Array.isArray(name)) return humanNameText(name.find(isJsonObject));
  return undefined;
}

/** Builds one item per record; a record that cannot be read is reported in `unreadable`, never dropped silently. */
export function buildEach<R extends { readonly record: ResourceRecord }, T>(
  set: ResourceSet,
  rows: readonly R[],
  build: (row: R) => T | undefined,
): T[] {
  const out: T[] = [];
  for (const row of rows) {
    try {
      const item = build(row);
      if (item !== undefined) out.push(item);
    } catch (error) {
      set.unreadable.push({ source: row.record.source, reason: `Could not be read: ${String(error)}` });
    }
  }
  return out;
}
