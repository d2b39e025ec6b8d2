// Baseline vital signs (most recent per LOINC code, blood pressure as systolic/diastolic) and the patient's
// usual SpO2 target and NEWS2 scale where a Goal, Observation or Flag records one.
import {
  DIASTOLIC,
  LOINC,
  SPO2_CODES,
  SPO2_TARGET_WORDS,
  SYSTOLIC,
  VITAL_SIGN_CODES,
  VITAL_SIGN_ORDER,
} from './codes';
import type { ActiveFlag } from './alerts';
import type { JsonObject } from './fhirpath-eval';
import {
  compileExpression,
  firstObject,
  firstString,
  isJsonObject,
  numberField,
  objectField,
  objects,
  stringField,
  strings,
} from './fhirpath-eval';
import type { ResourceSet, Row } from './resource-set';
import { buildEach, readFields } from './resource-set';
import type { BloodPressure, Code, ItemSource, ObservationItem, Spo2Target } from './summary-model';
import {
  compact,
  compareDatesNewestFirst,
  conceptCodes,
  conceptDisplay,
  dateOrPeriodStart,
  includesAny,
  searchableText,
} from './values';

const OBSERVATION_FIELDS = {
  status: compileExpression('status'),
  category: compileExpression('category.coding.code'),
  code: compileExpression('code'),
  effective: compileExpression('effective'),
  issued: compileExpression('issued'),
  value: compileExpression('value'),
  components: compileExpression('component'),
};
type ObservationRow = Row<keyof typeof OBSERVATION_FIELDS>;
/** Readings that count as measured; registered, cancelled and unknown do not. */
const MEASURED = new Set(['final', 'amended', 'corrected', 'preliminary']);
const GOAL_FIELDS = {
  lifecycleStatus: compileExpression('lifecycleStatus'),
  description: compileExpression('description'),
  targets: compileExpression('target'),
  start: compileExpression('start'),
  statusDate: compileExpression('statusDate'),
};
const ACTIVE_GOAL = new Set(['active', 'accepted', 'planned']);

function quantityText(quantity: JsonObject): { value?: number; unit?: string; text?: string } {
  const value = numberField(quantity, 'value');
  const unit = stringField(quantity, 'unit') ?? stringField(quantity, 'code');
  if (value === undefined) return {};
  return { value, unit, text: unit === undefined ? String(value) : `${value} ${unit}` };
}

function componentValue(components: readonly JsonObject[], code: string): JsonObject | undefined {
  const component = components.find((item) =>
    conceptCodes(isJsonObject(item.code) ? item.code : undefined).some((c) => c.code === code),
  );
  return isJsonObject(component?.valueQuantity) ? component.valueQuantity : undefined;
}

function bloodPressureOf(components: readonly JsonObject[]): BloodPressure | undefined {
  const systolic = componentValue(components, SYSTOLIC);
  const diastolic = componentValue(components, DIASTOLIC);
  if (systolic === undefined && diastolic === undefined) return undefined;
  return compact({
    systolic: numberField(systolic, 'value'),
    diastolic: numberField(diastolic, 'value'),
    unit: stringField(systolic ?? diastolic, 'unit') ?? stringField(systolic ?? diastolic, 'code'),
  });
}

/** value[x] as words; undefined when nothing was measured (dataAbsentReason only). */
function valueOf(value: unknown): { value?: number; unit?: string; text?: string } {
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number' && Number.isFinite(value)) return { value, text: String(value) };
  if (typeof value === 'boolean') return { text: value ? 'Yes' : 'No' };
  if (!isJsonObject(value)) return {};
  if ('value' in value) return quantityText(value);
  const display = conceptDisplay(value);
  return display === undefined ? {} : { text: display };
}

function keyOf(codes: readonly Code[]): string | undefined {
  const loinc =
    codes.find((code) => code.system === LOINC) ?? codes.find((code) => VITAL_SIGN_CODES.has(code.code));
  if (loinc !== undefined) return loinc.code;
  const first = codes[0];
  return first === undefined ? undefined : `${first.system ?? ''}|${first.code}`;
}

function rank(key: string): number {
  const index = VITAL_SIGN_ORDER.indexOf(key);
  return index === -1 ? VITAL_SIGN_ORDER.length : index;
}

/** NEWS2 order (respiratory rate, SpO2, blood pressure, pulse, temperature), then the rest by name. */
export function sortObservations<T extends ObservationItem>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      rank(a.key) - rank(b.key) ||
      a.display.localeCompare(b.display) ||
      compareDatesNewestFirst(a.date, b.date),
  );
}

function observationDate(row: ObservationRow): string | undefined {
  return dateOrPeriodStart(row.fields.effective[0]) ?? firstString(row.fields.issued);
}

function isVitalSign(row: ObservationRow, codes: readonly Code[]): boolean {
  return (
    strings(row.fields.category).includes('vital-signs') ||
    codes.some((code) => code.system === LOINC && VITAL_SIGN_CODES.has(code.code))
  );
}

/** Every Observation read once; shared by the baseline and the SpO2 target. */
export function observationRows(set: ResourceSet): ObservationRow[] {
  return readFields(set.ofType('Observation'), OBSERVATION_FIELDS, set.unreadable);
}

/**
 * The most recent vital-sign Observation per code (LOINC), with a value; blood pressure panels read as
 * systolic/diastolic components.
 * @see https://hl7.org/fhir/R4/observation-vitalsigns.html
 */
export function projectBaselineObservations(
  set: ResourceSet,
  rows = observationRows(set),
): ObservationItem[] {
  const latest = new Map<string, ObservationItem>();
  buildEach(set, rows, (row) => {
    const status = firstString(row.fields.status);
    if (status === undefined || !MEASURED.has(status)) return undefined;
    const code = firstObject(row.fields.code);
    const codes = conceptCodes(code);
    if (!isVitalSign(row, codes)) return undefined;
    const key = keyOf(codes);
    if (key === undefined) return undefined;
    const bloodPressure = bloodPressureOf(objects(row.fields.components));
    const measured = valueOf(row.fields.value[0]);
    const bloodPressureText =
      bloodPressure === undefined
        ? undefined
        : `${bloodPressure.systolic ?? '?'}/${bloodPressure.diastolic ?? '?'}${bloodPressure.unit === undefined ? '' : ` ${bloodPressure.unit}`}`;
    const valueText = bloodPressureText ?? measured.text;
    if (valueText === undefined) return undefined;
    const item: ObservationItem = compact({
      source: row.record.source,
      display: conceptDisplay(code) ?? key,
      codes,
      key,
      date: observationDate(row),
      value: measured.value,
      unit: measured.unit,
      bloodPressure,
      valueText,
      status,
    });
    const existing = latest.get(key);
    if (existing === undefined || isNewer(item, existing)) latest.set(key, item);
    return undefined;
  });
  return sortObservations([...latest.values()]);
}

function isNewer(candidate: ObservationItem, existing: ObservationItem): boolean {
  const byDate = compareDatesNewestFirst(candidate.date, existing.date);
  if (byDate !== 0) return byDate < 0;
  return compareDatesNewestFirst(candidate.source.lastUpdated, existing.source.lastUpdated) < 0;
}

/** Scale 2 (88-92%, hypercapnic respiratory failure) or scale 1 (94-98%), from words or the range. */
function scaleOf(text: string, low?: number): 1 | 2 | undefined {
  const lower = text.toLowerCase();
  if (lower.includes('scale 2') || low === 88) return 2;
  if (lower.includes('scale 1') || low === 94) return 1;
  return undefined;
}

interface Candidate {
  readonly target: Spo2Target;
  readonly date?: string;
}

function candidate(text: string, source: ItemSource, date: string | undefined, low?: number): Candidate {
  const written = /\b(\d{2})\s*(?:-|–|to)\s*\d{2,3}\s*%/.exec(text)?.[1];
  const scale = scaleOf(text, low ?? (written === undefined ? undefined : Number(written)));
  return compact({ target: compact({ text, scale, source }), date });
}

function fromGoals(set: ResourceSet): Candidate[] {
  const rows = readFields(set.ofType('Goal'), GOAL_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): Candidate | undefined => {
    const lifecycle = firstString(fields.lifecycleStatus);
    if (lifecycle === undefined || !ACTIVE_GOAL.has(lifecycle)) return undefined;
    const description = conceptDisplay(firstObject(fields.description));
    const target = objects(fields.targets).find((item) =>
      conceptCodes(objectField(item, 'measure')).some((code) => SPO2_CODES.has(code.code)),
    );
    const range = objectField(target, 'detailRange');
    const low = numberField(objectField(range, 'low'), 'value');
    const high = numberField(objectField(range, 'high'), 'value');
    const words = description === undefined ? '' : description.toLowerCase();
    if (target === undefined && !includesAny(words, SPO2_TARGET_WORDS)) return undefined;
    const rangeText = low !== undefined && high !== undefined ? `SpO2 target ${low}-${high}%` : undefined;
    const text = rangeText ?? description ?? 'SpO2 target recorded';
    const date = dateOrPeriodStart(fields.start[0]) ?? firstString(fields.statusDate);
    return candidate(text, record.source, date, low);
  });
}

function fromFlags(flags: readonly ActiveFlag[]): Candidate[] {
  return flags
    .filter((flag) => includesAny(searchableText(flag.codes, flag.display), SPO2_TARGET_WORDS))
    .map((flag) => candidate(flag.display, flag.record.source, flag.start));
}

function fromObservations(set: ResourceSet, rows: readonly ObservationRow[]): Candidate[] {
  return buildEach(set, rows, (row): Candidate | undefined => {
    if (firstString(row.fields.status) === 'cancelled') return undefined;
    const code = firstObject(row.fields.code);
    const words = searchableText(conceptCodes(code), stringField(code, 'text'));
    if (!words.includes('target') || !includesAny(words, SPO2_TARGET_WORDS)) return undefined;
    const value = row.fields.value[0];
    const range = isJsonObject(value) ? value : undefined;
    const low = numberField(objectField(range, 'low'), 'value');
    const high = numberField(objectField(range, 'high'), 'value');
    const text =
      low !== undefined && high !== undefined
        ? `SpO2 target ${low}-${high}%`
        : (valueOf(value).text ?? conceptDisplay(code) ?? 'SpO2 target');
    return candidate(text, row.record.source, observationDate(row), low);
  });
}

/**
 * The usual SpO2 target, most recently recorded first, from Goal, Flag or Observation.
 * @see https://hl7.org/fhir/R4/goal.html
 */
export function projectSpo2Target(
  set: ResourceSet,
  flags: readonly ActiveFlag[],
  rows = observationRows(set),
): Spo2Target | undefined {
  const candidates = [...fromGoals(set), ...fromFlags(flags), ...fromObservations(set, rows)];
  candidates.sort((a, b) => compareDatesNewestFirst(a.date, b.date));
  return candidates[0]?.target;
}
