// Allergies and intolerances, most critical first; "no known allergy" statements kept apart from allergies,
// and a recorded allergy always outranks a "no known allergy" statement that contradicts it.
import { ANAPHYLAXIS, NO_INFORMATION_CODES, NO_KNOWN_ALLERGY_SCOPE } from './codes';
import type { JsonObject } from './fhirpath-eval';
import {
  compileExpression,
  firstObject,
  firstString,
  objectArrayField,
  objects,
  stringField,
  strings,
} from './fhirpath-eval';
import type { ResourceSet } from './resource-set';
import { buildEach, readFields } from './resource-set';
import type { AllergyItem, AllergyReaction, AllergySection, NoKnownAllergyItem } from './summary-model';
import {
  compact,
  compareDatesNewestFirst,
  conceptCodes,
  conceptDisplay,
  conceptDisplays,
  dateOrPeriodStart,
  firstCodeIn,
} from './values';

const ALLERGY_FIELDS = {
  code: compileExpression('code'),
  reactions: compileExpression('reaction'),
  reactionSubstance: compileExpression('reaction.substance'),
  criticality: compileExpression('criticality'),
  clinicalStatus: compileExpression('clinicalStatus.coding.code'),
  verificationStatus: compileExpression('verificationStatus.coding.code'),
  category: compileExpression('category'),
  recordedDate: compileExpression('recordedDate'),
  onset: compileExpression('onset'),
};
const NOT_IN_FORCE = new Set(['inactive', 'resolved']);

const CRITICALITIES = new Set(['low', 'high', 'unable-to-assess']);
const SEVERITIES = new Set(['mild', 'moderate', 'severe']);
const NO_KNOWN_SCOPE_CODES: ReadonlySet<string> = new Set(NO_KNOWN_ALLERGY_SCOPE.keys());

function readReaction(reaction: JsonObject): AllergyReaction {
  const severity = stringField(reaction, 'severity');
  return compact({
    manifestations: conceptDisplays(objectArrayField(reaction, 'manifestation')),
    severity:
      severity !== undefined && SEVERITIES.has(severity)
        ? (severity as AllergyReaction['severity'])
        : undefined,
  });
}

/** 0 = most urgent: high criticality, a severe reaction or anaphylaxis; then unable-to-assess, unknown, low. */
function urgency(item: AllergyItem): number {
  const anaphylaxis = item.reactions.some(
    (reaction) =>
      reaction.severity === 'severe' ||
      reaction.manifestations.some((text) => text.toLowerCase().includes('anaphyla')),
  );
  if (item.criticality === 'high' || anaphylaxis || item.codes.some((code) => code.code === ANAPHYLAXIS))
    return 0;
  if (item.criticality === 'unable-to-assess') return 1;
  if (item.criticality === undefined) return 2;
  return 3;
}

/** Most critical first, then newest recorded, then by name. */
export function sortAllergies<T extends AllergyItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      urgency(a) - urgency(b) ||
      compareDatesNewestFirst(a.recordedDate, b.recordedDate) ||
      a.display.localeCompare(b.display),
  );
}

/** Words for the crew when a "no known allergy" statement contradicts recorded allergies, else undefined. */
export function allergyConflict(
  items: readonly AllergyItem[],
  noKnownAllergies: readonly NoKnownAllergyItem[],
): string | undefined {
  for (const statement of noKnownAllergies) {
    const scopeCode = firstCodeIn(statement.codes, NO_KNOWN_SCOPE_CODES);
    const scope = scopeCode === undefined ? 'all' : (NO_KNOWN_ALLERGY_SCOPE.get(scopeCode) ?? 'all');
    const contradicted = items.some(
      (item) => scope === 'all' || item.category.length === 0 || item.category.includes(scope),
    );
    if (contradicted) {
      return `"${statement.display}" is also recorded, but allergies are listed: treat the allergies as present.`;
    }
  }
  return undefined;
}

/** The section's status from what is present: real allergies win over "no known allergy". */
export function allergySection<A extends AllergyItem, N extends NoKnownAllergyItem>(
  items: readonly A[],
  noKnownAllergies: readonly N[],
): AllergySection & { readonly items: readonly A[]; readonly noKnownAllergies: readonly N[] } {
  const sorted = sortAllergies(items);
  const status =
    sorted.length > 0 ? 'recorded' : noKnownAllergies.length > 0 ? 'no-known-allergies' : 'not-recorded';
  return compact({
    status,
    items: sorted,
    noKnownAllergies: [...noKnownAllergies].sort((a, b) =>
      compareDatesNewestFirst(a.recordedDate, b.recordedDate),
    ),
    conflict: allergyConflict(sorted, noKnownAllergies),
  });
}

/**
 * Allergies and intolerances in force. Refuted, inactive and resolved ones are left out; one without a
 * clinical status is shown (absence of status is not evidence the allergy has gone). SNOMED 716186003
 * and its drug/food/environment variants (and the IPS absent-unknown codes) become "no known allergies".
 * @see https://hl7.org/fhir/R4/allergyintolerance.html
 */
export function projectAllergies(set: ResourceSet): AllergySection {
  const rows = readFields(set.ofType('AllergyIntolerance'), ALLERGY_FIELDS, set.unreadable);
  const items: AllergyItem[] = [];
  const noKnownAllergies: NoKnownAllergyItem[] = [];
  buildEach(set, rows, ({ record, fields }) => {
    // Shown unless refuted (entered-in-error went earlier) or inactive/resolved; no status is shown.
    if (strings(fields.verificationStatus).includes('refuted')) return undefined;
    if (strings(fields.clinicalStatus).some((status) => NOT_IN_FORCE.has(status))) return undefined;
    const code = firstObject(fields.code);
    const codes = conceptCodes(code);
    const date = firstString(fields.recordedDate) ?? dateOrPeriodStart(fields.onset[0]);
    if (firstCodeIn(codes, NO_KNOWN_SCOPE_CODES) !== undefined) {
      noKnownAllergies.push(
        compact({
          source: record.source,
          display: conceptDisplay(code) ?? 'No known allergy',
          codes,
          recordedDate: date,
        }),
      );
      return undefined;
    }
    if (firstCodeIn(codes, NO_INFORMATION_CODES) !== undefined) return undefined;
    const level = firstString(fields.criticality);
    items.push(
      compact({
        source: record.source,
        display:
          conceptDisplay(code) ??
          conceptDisplay(firstObject(fields.reactionSubstance)) ??
          'Allergy (substance not recorded)',
        codes,
        reactions: objects(fields.reactions).map(readReaction),
        criticality:
          level !== undefined && CRITICALITIES.has(level) ? (level as AllergyItem['criticality']) : undefined,
        clinicalStatus: firstString(fields.clinicalStatus),
        verificationStatus: firstString(fields.verificationStatus),
        category: strings(fields.category),
        recordedDate: date,
      }),
    );
    return undefined;
  });
  return allergySection(items, noKnownAllergies);
}
