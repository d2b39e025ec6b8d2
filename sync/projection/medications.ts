// Current medicines from MedicationStatement and MedicationRequest, with the medicine as a code or a
// referenced Medication (contained or in the set; dm+d), dose text, and anticoagulants/insulin first.
import { ANTICOAGULANT_NAMES, INSULIN_NAMES, NO_INFORMATION_CODES } from './codes';
import type { JsonObject } from './fhirpath-eval';
import { compileExpression, evaluate, firstObject, firstString, objects, stringField } from './fhirpath-eval';
import type { ResourceRecord, ResourceSet, Row } from './resource-set';
import { buildEach, readFields } from './resource-set';
import type { Code, MedicationItem, MedicationRisk } from './summary-model';
import {
  compact,
  conceptCodes,
  conceptDisplay,
  dateOrPeriodStart,
  firstCodeIn,
  includesAny,
  searchableText,
} from './values';

/** Statuses shown: in force or about to be. on-hold is shown (a paused anticoagulant still matters). */
const SHOWN_STATUSES: Readonly<Record<string, ReadonlySet<string>>> = {
  MedicationStatement: new Set(['active', 'intended', 'on-hold']),
  MedicationRequest: new Set(['active', 'on-hold']),
};

const MEDICATION_FIELDS = {
  status: compileExpression('status'),
  concept: compileExpression('medication.ofType(CodeableConcept)'),
  reference: compileExpression('medication.ofType(Reference)'),
  dosages: compileExpression('dosage.combine(dosageInstruction)'),
  intent: compileExpression('intent'),
  date: compileExpression('effective.combine(dateAsserted).combine(authoredOn)'),
};
const medicationCode = compileExpression('code');

const STATUS_ORDER = ['active', 'on-hold', 'intended'];

/** The dose as words: Dosage.text, else patient instruction, else "dose unit". */
function doseText(dosageList: readonly JsonObject[]): string | undefined {
  const parts: string[] = [];
  for (const dosage of dosageList) {
    const text = stringField(dosage, 'text') ?? stringField(dosage, 'patientInstruction');
    if (text !== undefined) parts.push(text);
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** Medicines whose presence changes what the crew does (bleeding risk, hypoglycaemia). */
export function medicationRisk(codes: readonly Code[], display: string): MedicationRisk | undefined {
  const text = searchableText(codes, display);
  if (includesAny(text, ANTICOAGULANT_NAMES)) return 'anticoagulant';
  if (includesAny(text, INSULIN_NAMES)) return 'insulin';
  return undefined;
}

interface MedicineName {
  readonly display: string;
  readonly codes: readonly Code[];
}

function medicineOf(set: ResourceSet, row: Row<keyof typeof MEDICATION_FIELDS>): MedicineName {
  const concept = firstObject(row.fields.concept);
  if (concept !== undefined) {
    return {
      display: conceptDisplay(concept) ?? 'Medicine (name not recorded)',
      codes: conceptCodes(concept),
    };
  }
  const reference = firstObject(row.fields.reference);
  const medication = set.resolve(reference, row.record);
  const code =
    medication === undefined ? undefined : firstObject(evaluate(medicationCode, medication.resource));
  return {
    display: conceptDisplay(code) ?? stringField(reference, 'display') ?? 'Medicine (name not recorded)',
    codes: conceptCodes(code),
  };
}

function read(set: ResourceSet, records: readonly ResourceRecord[]): MedicationItem[] {
  const rows = readFields(records, MEDICATION_FIELDS, set.unreadable);
  return buildEach(set, rows, (row): MedicationItem | undefined => {
    const status = firstString(row.fields.status);
    if (status === undefined || SHOWN_STATUSES[row.record.resourceType]?.has(status) !== true)
      return undefined;
    const medicine = medicineOf(set, row);
    if (firstCodeIn(medicine.codes, NO_INFORMATION_CODES) !== undefined) return undefined;
    return compact({
      source: row.record.source,
      display: medicine.display,
      codes: medicine.codes,
      doseText: doseText(objects(row.fields.dosages)),
      status,
      intent: firstString(row.fields.intent),
      date: dateOrPeriodStart(row.fields.date[0]),
      risk: medicationRisk(medicine.codes, medicine.display),
    });
  });
}

/**
 * Medicines in force: MedicationStatement active/intended/on-hold and MedicationRequest active/on-hold.
 * Stopped, completed, cancelled, draft, not-taken and unknown are never shown.
 * @see https://hl7.org/fhir/R4/medicationstatement.html
 * @see https://hl7.org/fhir/R4/medicationrequest.html
 */
export function projectMedications(set: ResourceSet): MedicationItem[] {
  return sortMedications([
    ...read(set, set.ofType('MedicationStatement')),
    ...read(set, set.ofType('MedicationRequest')),
  ]);
}

function riskRank(item: MedicationItem): number {
  return item.risk === 'anticoagulant' ? 0 : item.risk === 'insulin' ? 1 : 2;
}

function statusRank(item: MedicationItem): number {
  const index = STATUS_ORDER.indexOf(item.status);
  return index === -1 ? STATUS_ORDER.length : index;
}

/** Anticoagulants, then insulin, then the rest; active before on-hold and intended; then by name. */
export function sortMedications<T extends MedicationItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      riskRank(a) - riskRank(b) || statusRank(a) - statusRank(b) || a.display.localeCompare(b.display),
  );
}
