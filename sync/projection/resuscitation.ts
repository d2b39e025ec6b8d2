// Resuscitation decisions (DNACPR, ReSPECT, treatment escalation, advance care plans): the first thing a
// crew reads. Sources: Consent (dnr), DocumentReference and CarePlan by type, and active Flags.
import {
  ADVANCE_CARE_PLAN,
  CONSENT_CATEGORY_DNR,
  DNACPR_CODES,
  RESPECT_FORM,
  RESUSCITATION_DOCUMENT_CODES,
  TREATMENT_ESCALATION_PLAN,
} from './codes';
import type { ActiveFlag } from './alerts';
import { isResuscitationFlag } from './alerts';
import { compileExpression, firstObject, firstString, objects } from './fhirpath-eval';
import type { ResourceSet } from './resource-set';
import { buildEach, readFields, referenceName } from './resource-set';
import type { Code, ResuscitationItem, ResuscitationKind } from './summary-model';
import { attachmentLink, codesOf, compact, compareDatesNewestFirst, hasCodeIn } from './values';

const ALL_CODES = [...DNACPR_CODES, ...RESUSCITATION_DOCUMENT_CODES];
const DNACPR_DECISION = 'Do not attempt CPR';

const CONSENT_FIELDS = {
  status: compileExpression('status'),
  category: compileExpression('category'),
  provisionCodes: compileExpression('provision.code.combine(provision.repeat(provision).code)'),
  provisionType: compileExpression('provision.type'),
  date: compileExpression('dateTime'),
  holder: compileExpression('organization.combine(performer)'),
  attachment: compileExpression('source.ofType(Attachment)'),
};
const DOCUMENT_FIELDS = {
  status: compileExpression('status'),
  types: compileExpression('type.combine(category)'),
  date: compileExpression('date.combine(context.period.start)'),
  holder: compileExpression('custodian.combine(author)'),
  attachment: compileExpression('content.attachment'),
  description: compileExpression('description'),
};
const CARE_PLAN_FIELDS = {
  status: compileExpression('status'),
  category: compileExpression('category'),
  title: compileExpression('title'),
  date: compileExpression('created.combine(period.start)'),
  author: compileExpression('author'),
  description: compileExpression('description'),
};

/** The kind of decision a set of codes records; DNACPR wins where a form also states it. */
export function resuscitationKind(codes: readonly Code[]): ResuscitationKind | undefined {
  if (hasCodeIn(codes, DNACPR_CODES)) return 'DNACPR';
  const present = new Set(codes.map((code) => code.code));
  if (present.has(RESPECT_FORM)) return 'ReSPECT';
  if (present.has(TREATMENT_ESCALATION_PLAN)) return 'Treatment escalation plan';
  if (present.has(ADVANCE_CARE_PLAN)) return 'Advance care plan';
  return undefined;
}

function displayFor(codes: readonly Code[], fallback: string): string {
  const known = codes.find((code) => ALL_CODES.includes(code.code) && code.display !== undefined);
  return known?.display ?? fallback;
}

/**
 * Active DNR Consents. A top-level `deny` provision is not read as a DNACPR decision: the item says a
 * decision exists and points to the document rather than guess its direction.
 * @see https://hl7.org/fhir/R4/consent.html
 */
function fromConsents(set: ResourceSet): ResuscitationItem[] {
  const rows = readFields(set.ofType('Consent'), CONSENT_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): ResuscitationItem | undefined => {
    if (firstString(fields.status) !== 'active') return undefined;
    const categoryCodes = codesOf(objects(fields.category));
    const codes = [...codesOf(objects(fields.provisionCodes)), ...categoryCodes];
    if (
      !categoryCodes.some((code) => code.code === CONSENT_CATEGORY_DNR) &&
      !hasCodeIn(codes, DNACPR_CODES)
    ) {
      return undefined;
    }
    const denied = firstString(fields.provisionType) === 'deny';
    return compact({
      source: record.source,
      kind: 'DNACPR' as const,
      display: denied
        ? 'Resuscitation decision recorded: read the document'
        : displayFor(codes, DNACPR_DECISION),
      decision: denied ? undefined : DNACPR_DECISION,
      date: firstString(fields.date),
      holder: referenceName(set, firstObject(fields.holder), record),
      attachment: attachmentLink(firstObject(fields.attachment)),
      codes,
    });
  });
}

/** Current DocumentReferences typed as ReSPECT, TEP, advance care plan or DNACPR. */
function fromDocuments(set: ResourceSet): ResuscitationItem[] {
  const rows = readFields(set.ofType('DocumentReference'), DOCUMENT_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): ResuscitationItem | undefined => {
    if (firstString(fields.status) !== 'current') return undefined;
    const codes = codesOf(objects(fields.types));
    const kind = resuscitationKind(codes);
    if (kind === undefined) return undefined;
    return compact({
      source: record.source,
      kind,
      display: displayFor(codes, kind),
      decision: kind === 'DNACPR' ? DNACPR_DECISION : firstString(fields.description),
      date: firstString(fields.date),
      holder: referenceName(set, firstObject(fields.holder), record),
      attachment: attachmentLink(firstObject(fields.attachment)),
      codes,
    });
  });
}

/** Active CarePlans categorised as ReSPECT, TEP, advance care plan or DNACPR. */
function fromCarePlans(set: ResourceSet): ResuscitationItem[] {
  const rows = readFields(set.ofType('CarePlan'), CARE_PLAN_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): ResuscitationItem | undefined => {
    if (firstString(fields.status) !== 'active') return undefined;
    const codes = codesOf(objects(fields.category));
    const kind = resuscitationKind(codes);
    if (kind === undefined) return undefined;
    return compact({
      source: record.source,
      kind,
      display: firstString(fields.title) ?? displayFor(codes, kind),
      decision: kind === 'DNACPR' ? DNACPR_DECISION : firstString(fields.description),
      date: firstString(fields.date),
      holder: referenceName(set, firstObject(fields.author), record),
      codes,
    });
  });
}

function fromFlags(flags: readonly ActiveFlag[]): ResuscitationItem[] {
  return flags.filter(isResuscitationFlag).map((flag) => {
    const kind = resuscitationKind(flag.codes) ?? 'DNACPR';
    return compact({
      source: flag.record.source,
      kind,
      display: flag.display,
      decision: kind === 'DNACPR' ? DNACPR_DECISION : undefined,
      date: flag.start,
      holder: flag.author,
      codes: flag.codes,
    });
  });
}

/**
 * Resuscitation decisions, newest first. Only what is in force: active Consents and CarePlans, current
 * DocumentReferences (a superseded form is history, not a decision), active unexpired Flags.
 * @see https://hl7.org/fhir/R4/consent.html
 * @see https://hl7.org/fhir/R4/documentreference.html
 */
export function projectResuscitation(set: ResourceSet, flags: readonly ActiveFlag[]): ResuscitationItem[] {
  return sortResuscitation([
    ...fromConsents(set),
    ...fromDocuments(set),
    ...fromCarePlans(set),
    ...fromFlags(flags),
  ]);
}

/** Newest first; undated last. */
export function sortResuscitation<T extends ResuscitationItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => compareDatesNewestFirst(a.date, b.date) || a.display.localeCompare(b.display),
  );
}
