// Alerts: active, unexpired Flags (violence risk and safeguarding first), implanted devices, and the
// restricted-record notice. Flags coding a resuscitation decision go to the resuscitation section instead.
import {
  COMMUNICATION_WORDS,
  DNACPR_CODES,
  RESUSCITATION_DOCUMENT_CODES,
  SAFEGUARDING_WORDS,
  VIOLENCE_WORDS,
} from './codes';
import type { JsonObject } from './fhirpath-eval';
import { compileExpression, evaluate, firstObject, firstString, objects, stringField } from './fhirpath-eval';
import type { ResourceRecord, ResourceSet } from './resource-set';
import { buildEach, readFields, referenceName } from './resource-set';
import type { AlertItem, AlertKind, Code } from './summary-model';
import {
  codesOf,
  compact,
  compareDatesNewestFirst,
  conceptCodes,
  conceptDisplay,
  conceptDisplays,
  endOfPrecisionEpoch,
  hasCodeIn,
  includesAny,
  searchableText,
  toEpoch,
} from './values';

const FLAG_FIELDS = {
  status: compileExpression('status'),
  code: compileExpression('code'),
  category: compileExpression('category'),
  start: compileExpression('period.start'),
  end: compileExpression('period.end'),
  author: compileExpression('author'),
};
const DEVICE_USE_FIELDS = {
  status: compileExpression('status'),
  device: compileExpression('device'),
  bodySite: compileExpression('bodySite'),
};
const DEVICE_FIELDS = {
  status: compileExpression('status'),
  patient: compileExpression('patient'),
  type: compileExpression('type'),
  name: compileExpression('deviceName.name'),
};
const deviceType = compileExpression('type');
const deviceName = compileExpression('deviceName.name');

/** A Flag in force at the reference time, read once and shared by the alert and resuscitation sections. */
export interface ActiveFlag {
  readonly record: ResourceRecord;
  readonly codes: readonly Code[];
  readonly display: string;
  readonly categoryCodes: readonly string[];
  readonly categoryDisplays: readonly string[];
  readonly start?: string;
  readonly end?: string;
  readonly author?: string;
}

const KIND_ORDER: readonly AlertKind[] = [
  'violence-risk',
  'safeguarding',
  'restricted-record',
  'communication',
  'clinical',
  'implanted-device',
  'other',
];

/**
 * Flags with status active whose period has not ended by `now` (an end date covers that whole day).
 * @see https://hl7.org/fhir/R4/flag.html
 */
export function activeFlags(set: ResourceSet, now: string): ActiveFlag[] {
  const nowEpoch = toEpoch(now) ?? Date.now();
  const rows = readFields(set.ofType('Flag'), FLAG_FIELDS, set.unreadable);
  return buildEach(set, rows, ({ record, fields }): ActiveFlag | undefined => {
    if (firstString(fields.status) !== 'active') return undefined;
    const end = firstString(fields.end);
    const endEpoch = endOfPrecisionEpoch(end);
    if (endEpoch !== undefined && endEpoch <= nowEpoch) return undefined;
    const code = firstObject(fields.code);
    const categories = objects(fields.category);
    return compact({
      record,
      codes: conceptCodes(code),
      display: flagDisplay(code),
      categoryCodes: codesOf(categories).map((item) => item.code),
      categoryDisplays: conceptDisplays(categories),
      start: firstString(fields.start),
      end,
      author: referenceName(set, firstObject(fields.author), record),
    });
  });
}

/** Whether a Flag records a resuscitation decision (it is shown in that section, not as an alert). */
export function isResuscitationFlag(flag: ActiveFlag): boolean {
  return hasCodeIn(flag.codes, DNACPR_CODES) || hasCodeIn(flag.codes, RESUSCITATION_DOCUMENT_CODES);
}

/** The coding's display, with the Flag's own text after it when that says more (it often holds the instruction). */
function flagDisplay(code: JsonObject | undefined): string {
  const display = conceptDisplay(code) ?? 'Alert';
  const text = stringField(code, 'text');
  return text === undefined || text === display ? display : `${display}: ${text}`;
}

function classify(flag: ActiveFlag): AlertKind {
  const text = searchableText(flag.codes, flag.display, ...flag.categoryDisplays);
  if (includesAny(text, VIOLENCE_WORDS)) return 'violence-risk';
  if (includesAny(text, SAFEGUARDING_WORDS)) return 'safeguarding';
  if (includesAny(text, COMMUNICATION_WORDS)) return 'communication';
  // Uncoded words failing, the category still puts the alert at the top: behaviour first, then safety.
  if (flag.categoryCodes.includes('behavioral')) return 'violence-risk';
  if (flag.categoryCodes.includes('safety')) return 'safeguarding';
  if (
    flag.categoryCodes.some((code) => ['clinical', 'drug', 'diet', 'lab', 'advance-directive'].includes(code))
  ) {
    return 'clinical';
  }
  return 'other';
}

function deviceDisplay(device: JsonObject | undefined): string | undefined {
  if (device === undefined) return undefined;
  return (
    conceptDisplay(firstObject(evaluate(deviceType, device))) ?? firstString(evaluate(deviceName, device))
  );
}

/** Implanted devices from DeviceUseStatement (active) and Device (active, about this patient). */
function implantedDevices(set: ResourceSet): AlertItem[] {
  const shownDevices = new Set<ResourceRecord>();
  const statements = readFields(set.ofType('DeviceUseStatement'), DEVICE_USE_FIELDS, set.unreadable);
  const fromStatements = buildEach(set, statements, ({ record, fields }): AlertItem | undefined => {
    if (firstString(fields.status) !== 'active') return undefined;
    const reference = firstObject(fields.device);
    const device = set.resolve(reference, record);
    if (device !== undefined) shownDevices.add(device);
    const bodySite = conceptDisplay(firstObject(fields.bodySite));
    const name = deviceDisplay(device?.resource) ?? stringField(reference, 'display') ?? 'Device in use';
    return {
      source: record.source,
      display: bodySite === undefined ? name : `${name} (${bodySite})`,
      kind: 'implanted-device',
      codes: device === undefined ? [] : conceptCodes(firstObject(evaluate(deviceType, device.resource))),
      category: [],
    };
  });
  const devices = readFields(set.ofType('Device'), DEVICE_FIELDS, set.unreadable);
  const fromDevices = buildEach(set, devices, ({ record, fields }): AlertItem | undefined => {
    const status = firstString(fields.status);
    if (
      shownDevices.has(record) ||
      fields.patient.length === 0 ||
      (status !== undefined && status !== 'active')
    ) {
      return undefined;
    }
    return {
      source: record.source,
      display: conceptDisplay(firstObject(fields.type)) ?? firstString(fields.name) ?? 'Device',
      kind: 'implanted-device',
      codes: conceptCodes(firstObject(fields.type)),
      category: [],
    };
  });
  return [...fromStatements, ...fromDevices];
}

/**
 * The alert section: Flags other than resuscitation decisions, implanted devices, and the notice that
 * the record is restricted. Violence risk and safeguarding come first, then newest first.
 * @see https://hl7.org/fhir/R4/flag.html
 * @see https://hl7.org/fhir/R4/deviceusestatement.html
 */
export function projectAlerts(
  set: ResourceSet,
  flags: readonly ActiveFlag[],
  restricted: boolean,
): AlertItem[] {
  const alerts: AlertItem[] = flags
    .filter((flag) => !isResuscitationFlag(flag))
    .map((flag) =>
      compact({
        source: flag.record.source,
        display: flag.display,
        kind: classify(flag),
        codes: flag.codes,
        category: flag.categoryDisplays,
        start: flag.start,
        until: flag.end,
        author: flag.author,
      }),
    );
  if (restricted) {
    alerts.push({
      source: set.patient.source,
      display: 'Restricted record: access is limited and every view is audited',
      kind: 'restricted-record',
      codes: [],
      category: [],
    });
  }
  return sortAlerts([...alerts, ...implantedDevices(set)]);
}

/** Kind order (violence risk, safeguarding, restricted, communication, clinical, devices), then newest. */
export function sortAlerts<T extends AlertItem>(alerts: readonly T[]): T[] {
  return [...alerts].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      compareDatesNewestFirst(a.start, b.start) ||
      a.display.localeCompare(b.display),
  );
}
