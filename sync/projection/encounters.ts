// Recent contacts with services: Encounters newest first by period.start, with class, type, reason,
// location and provider; at most ENCOUNTER_LIMIT.
import { compileExpression, evaluate, firstObject, firstString, objects } from './fhirpath-eval';
import type { ResourceSet, Row } from './resource-set';
import { buildEach, readFields, referenceName } from './resource-set';
import type { EncounterItem } from './summary-model';
import { compact, compareDatesNewestFirst, conceptDisplay, conceptDisplays } from './values';

export const ENCOUNTER_LIMIT = 10;

/** Encounters that happened or are happening: planned and cancelled ones are not history. */
const NOT_HISTORY = new Set(['planned', 'cancelled']);
const ENCOUNTER_FIELDS = {
  status: compileExpression('status'),
  class: compileExpression('class'),
  types: compileExpression('type'),
  reasonCodes: compileExpression('reasonCode'),
  reasonReferences: compileExpression('reasonReference'),
  locations: compileExpression('location.location'),
  serviceProvider: compileExpression('serviceProvider'),
  start: compileExpression('period.start'),
  end: compileExpression('period.end'),
};
const conditionCode = compileExpression('code');
type EncounterRow = Row<keyof typeof ENCOUNTER_FIELDS>;

function reasonsOf(set: ResourceSet, { record, fields }: EncounterRow): string[] {
  const reasons = conceptDisplays(objects(fields.reasonCodes));
  for (const reference of objects(fields.reasonReferences)) {
    const target = set.resolve(reference, record);
    const text =
      (target === undefined
        ? undefined
        : conceptDisplay(firstObject(evaluate(conditionCode, target.resource)))) ??
      referenceName(set, reference, record);
    if (text !== undefined && !reasons.includes(text)) reasons.push(text);
  }
  return reasons;
}

function namesOf(set: ResourceSet, { record, fields }: EncounterRow): string[] {
  const out: string[] = [];
  for (const reference of objects(fields.locations)) {
    const name = referenceName(set, reference, record);
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The most recent Encounters by period.start (undated last), at most ENCOUNTER_LIMIT.
 * @see https://hl7.org/fhir/R4/encounter.html
 */
export function projectEncounters(set: ResourceSet): EncounterItem[] {
  const rows = readFields(set.ofType('Encounter'), ENCOUNTER_FIELDS, set.unreadable);
  const items = buildEach(set, rows, (row): EncounterItem | undefined => {
    const { record, fields } = row;
    const status = firstString(fields.status) ?? 'unknown';
    if (NOT_HISTORY.has(status)) return undefined;
    const classCoding = firstObject(fields.class);
    const className = classCoding === undefined ? undefined : conceptDisplay({ coding: [classCoding] });
    const types = conceptDisplays(objects(fields.types));
    return compact({
      source: record.source,
      display: types[0] ?? className ?? 'Encounter',
      status,
      class: className,
      types,
      reasons: reasonsOf(set, row),
      locations: namesOf(set, row),
      serviceProvider: referenceName(set, firstObject(fields.serviceProvider), record),
      start: firstString(fields.start),
      end: firstString(fields.end),
    });
  });
  return sortEncounters(items).slice(0, ENCOUNTER_LIMIT);
}

export function sortEncounters<T extends EncounterItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => compareDatesNewestFirst(a.start, b.start) || a.display.localeCompare(b.display),
  );
}
