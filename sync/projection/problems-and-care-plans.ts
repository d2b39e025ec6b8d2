// Problems (Conditions in force, problem-list items before encounter diagnoses) and the other active
// CarePlans (those that are not resuscitation decisions or the named plans shown above them).
import { NO_INFORMATION_CODES } from './codes';
import { compileExpression, firstObject, firstString, objects, strings } from './fhirpath-eval';
import { planKind } from './plans';
import type { ResourceSet } from './resource-set';
import { buildEach, readFields, referenceName } from './resource-set';
import { resuscitationKind } from './resuscitation';
import type { CarePlanItem, ProblemItem } from './summary-model';
import {
  codesOf,
  compact,
  compareDatesNewestFirst,
  conceptCodes,
  conceptDisplay,
  conceptDisplays,
  dateOrPeriodStart,
  firstCodeIn,
} from './values';

const IN_FORCE = new Set(['active', 'recurrence', 'relapse']);
const CONDITION_FIELDS = {
  code: compileExpression('code'),
  clinicalStatus: compileExpression('clinicalStatus.coding.code'),
  verificationStatus: compileExpression('verificationStatus.coding.code'),
  category: compileExpression('category.coding.code'),
  onset: compileExpression('onset'),
  recordedDate: compileExpression('recordedDate'),
  severity: compileExpression('severity'),
};
const CARE_PLAN_FIELDS = {
  status: compileExpression('status'),
  category: compileExpression('category'),
  title: compileExpression('title'),
  description: compileExpression('description'),
  author: compileExpression('author.combine(contributor)'),
  start: compileExpression('period.start.combine(created)'),
  end: compileExpression('period.end'),
};

function categoryRank(item: ProblemItem): number {
  if (item.category.includes('problem-list-item')) return 0;
  if (item.category.includes('encounter-diagnosis')) return 2;
  return 1;
}

/** Problem-list items first, encounter diagnoses last, then newest onset (or recorded date) first. */
export function sortProblems<T extends ProblemItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      categoryRank(a) - categoryRank(b) ||
      compareDatesNewestFirst(a.onset ?? a.recordedDate, b.onset ?? b.recordedDate) ||
      a.display.localeCompare(b.display),
  );
}

/**
 * Conditions with clinicalStatus active, recurrence or relapse that are not refuted.
 * @see https://hl7.org/fhir/R4/condition.html
 */
export function projectProblems(set: ResourceSet): ProblemItem[] {
  const rows = readFields(set.ofType('Condition'), CONDITION_FIELDS, set.unreadable);
  const items = buildEach(set, rows, ({ record, fields }): ProblemItem | undefined => {
    const clinicalStatus = strings(fields.clinicalStatus).find((status) => IN_FORCE.has(status));
    if (clinicalStatus === undefined || strings(fields.verificationStatus).includes('refuted'))
      return undefined;
    const code = firstObject(fields.code);
    const codes = conceptCodes(code);
    if (firstCodeIn(codes, NO_INFORMATION_CODES) !== undefined) return undefined;
    return compact({
      source: record.source,
      display: conceptDisplay(code) ?? 'Condition (not named)',
      codes,
      clinicalStatus,
      category: strings(fields.category),
      onset: dateOrPeriodStart(fields.onset[0]),
      recordedDate: firstString(fields.recordedDate),
      severity: conceptDisplay(firstObject(fields.severity)),
    });
  });
  return sortProblems(items);
}

/**
 * Active CarePlans other than resuscitation decisions and the named plans, newest first.
 * @see https://hl7.org/fhir/R4/careplan.html
 */
export function projectCarePlans(set: ResourceSet): CarePlanItem[] {
  const rows = readFields(set.ofType('CarePlan'), CARE_PLAN_FIELDS, set.unreadable);
  const items = buildEach(set, rows, ({ record, fields }): CarePlanItem | undefined => {
    if (firstString(fields.status) !== 'active') return undefined;
    const categories = objects(fields.category);
    const codes = codesOf(categories);
    if (resuscitationKind(codes) !== undefined || planKind(codes) !== undefined) return undefined;
    const categoryDisplays = conceptDisplays(categories);
    return compact({
      source: record.source,
      display: firstString(fields.title) ?? categoryDisplays[0] ?? 'Care plan',
      category: categoryDisplays,
      author: referenceName(set, firstObject(fields.author), record),
      description: firstString(fields.description),
      start: firstString(fields.start),
      end: firstString(fields.end),
      codes,
    });
  });
  return sortCarePlans(items);
}

export function sortCarePlans<T extends CarePlanItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => compareDatesNewestFirst(a.start, b.start) || a.display.localeCompare(b.display),
  );
}
