// Plans a crew must know about: end-of-life coordination, mental-health crisis and emergency healthcare
// plans, from DocumentReference, CarePlan or a completed QuestionnaireResponse.
import {
  EMERGENCY_HEALTHCARE_PLAN,
  END_OF_LIFE_COORDINATION,
  MENTAL_HEALTH_CRISIS_PLAN,
  PLAN_CODES,
} from './codes';
import type { JsonObject } from './fhirpath-eval';
import { compileExpression, evaluate, firstObject, firstString, objects } from './fhirpath-eval';
import type { ResourceRecord, ResourceSet } from './resource-set';
import { buildEach, readFields, referenceName } from './resource-set';
import type { Code, PlanItem, PlanKind } from './summary-model';
import { attachmentLink, codesOf, compact, compareDatesNewestFirst } from './values';

const DOCUMENT_FIELDS = {
  status: compileExpression('status'),
  types: compileExpression('type.combine(category)'),
  date: compileExpression('date.combine(context.period.start)'),
  author: compileExpression('author.combine(custodian)'),
  attachment: compileExpression('content.attachment'),
  docStatus: compileExpression('docStatus'),
};
const CARE_PLAN_FIELDS = {
  status: compileExpression('status'),
  category: compileExpression('category'),
  title: compileExpression('title'),
  date: compileExpression('created.combine(period.start)'),
  author: compileExpression('author'),
};
const RESPONSE_FIELDS = {
  status: compileExpression('status'),
  tags: compileExpression('meta.tag'),
  questionnaire: compileExpression('questionnaire'),
  date: compileExpression('authored'),
  author: compileExpression('author'),
};
const questionnaireCodes = compileExpression('code');
const questionnaireUrl = compileExpression('url');
const questionnaireTitle = compileExpression('title');

/** The plan a set of codes names, or undefined. */
export function planKind(codes: readonly Code[]): PlanKind | undefined {
  const present = new Set(codes.map((code) => code.code));
  if (present.has(END_OF_LIFE_COORDINATION)) return 'End of life care coordination';
  if (present.has(MENTAL_HEALTH_CRISIS_PLAN)) return 'Mental health crisis plan';
  if (present.has(EMERGENCY_HEALTHCARE_PLAN)) return 'Emergency healthcare plan';
  return undefined;
}

function planDisplay(codes: readonly Code[], fallback: string): string {
  return codes.find((code) => PLAN_CODES.has(code.code) && code.display !== undefined)?.display ?? fallback;
}

function fromDocuments(set: ResourceSet): PlanItem[] {
  const rows = readFields(set.ofType('DocumentReference'), DOCUMENT_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): PlanItem | undefined => {
    if (firstString(fields.status) !== 'current') return undefined;
    const codes = codesOf(objects(fields.types));
    const kind = planKind(codes);
    if (kind === undefined) return undefined;
    return compact({
      source: record.source,
      kind,
      display: planDisplay(codes, kind),
      date: firstString(fields.date),
      author: referenceName(set, firstObject(fields.author), record),
      status: firstString(fields.docStatus),
      attachment: attachmentLink(firstObject(fields.attachment)),
      codes,
    });
  });
}

function fromCarePlans(set: ResourceSet): PlanItem[] {
  const rows = readFields(set.ofType('CarePlan'), CARE_PLAN_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): PlanItem | undefined => {
    if (firstString(fields.status) !== 'active') return undefined;
    const codes = codesOf(objects(fields.category));
    const kind = planKind(codes);
    if (kind === undefined) return undefined;
    return compact({
      source: record.source,
      kind,
      display: firstString(fields.title) ?? planDisplay(codes, kind),
      date: firstString(fields.date),
      author: referenceName(set, firstObject(fields.author), record),
      status: 'active',
      codes,
    });
  });
}

/** The Questionnaire a response answers: contained (#id) or in the set by canonical URL. */
function questionnaireOf(
  set: ResourceSet,
  record: ResourceRecord,
  canonical: string | undefined,
): JsonObject | undefined {
  if (canonical === undefined) return undefined;
  if (canonical.startsWith('#')) return set.resolve({ reference: canonical }, record)?.resource;
  const url = canonical.split('|')[0];
  return set
    .ofType('Questionnaire')
    .find((item) => firstString(evaluate(questionnaireUrl, item.resource)) === url)?.resource;
}

/** Completed QuestionnaireResponses whose tags or Questionnaire code name a plan. */
function fromQuestionnaireResponses(set: ResourceSet): PlanItem[] {
  const rows = readFields(set.ofType('QuestionnaireResponse'), RESPONSE_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): PlanItem | undefined => {
    const status = firstString(fields.status);
    if (status !== 'completed' && status !== 'amended') return undefined;
    const questionnaire = questionnaireOf(set, record, firstString(fields.questionnaire));
    const codings = [
      ...objects(fields.tags),
      ...(questionnaire === undefined ? [] : objects(evaluate(questionnaireCodes, questionnaire))),
    ];
    const codes = codesOf([{ coding: codings }]);
    const kind = planKind(codes);
    if (kind === undefined) return undefined;
    const title =
      questionnaire === undefined ? undefined : firstString(evaluate(questionnaireTitle, questionnaire));
    return compact({
      source: record.source,
      kind,
      display: title ?? planDisplay(codes, kind),
      date: firstString(fields.date),
      author: referenceName(set, firstObject(fields.author), record),
      status,
      codes,
    });
  });
}

/**
 * End-of-life, mental-health crisis and emergency healthcare plans in force, newest first.
 * @see https://hl7.org/fhir/R4/documentreference.html
 * @see https://hl7.org/fhir/R4/questionnaireresponse.html
 */
export function projectPlans(set: ResourceSet): PlanItem[] {
  return sortPlans([...fromDocuments(set), ...fromCarePlans(set), ...fromQuestionnaireResponses(set)]);
}

export function sortPlans<T extends PlanItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => compareDatesNewestFirst(a.date, b.date) || a.display.localeCompare(b.display),
  );
}
