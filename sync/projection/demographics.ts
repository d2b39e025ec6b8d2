// Who the patient is (names, NHS number, birth date, addresses, telecom), whether the record is restricted,
// and the registered GP (Patient.generalPractitioner: an Organization with ODS code, or a Practitioner).
import { CONFIDENTIALITY_SYSTEM, NHS_NUMBER_SYSTEM, ODS_SYSTEM, RESTRICTED_CONFIDENTIALITY } from './codes';
import type { JsonObject } from './fhirpath-eval';
import {
  compileExpression,
  evaluate,
  firstString,
  isJsonObject,
  objects,
  stringArrayField,
  stringField,
} from './fhirpath-eval';
import type { ResourceSet } from './resource-set';
import { readFields, referenceName } from './resource-set';
import type { AddressView, Demographics, HumanNameView, RegisteredGp, TelecomView } from './summary-model';
import { compact, humanNameText } from './values';

const ENVIRONMENT = {
  nhsSystem: NHS_NUMBER_SYSTEM,
  confidentiality: CONFIDENTIALITY_SYSTEM,
  ods: ODS_SYSTEM,
};

const PATIENT_FIELDS = {
  nhsNumber: compileExpression('identifier.where(system = %nhsSystem).value'),
  names: compileExpression('name'),
  birthDate: compileExpression('birthDate'),
  gender: compileExpression('gender'),
  deceased: compileExpression('deceased'),
  addresses: compileExpression('address'),
  telecom: compileExpression('telecom'),
  security: compileExpression('meta.security'),
};
const EMPTY_FIELDS: Readonly<Record<keyof typeof PATIENT_FIELDS, readonly unknown[]>> = {
  nhsNumber: [],
  names: [],
  birthDate: [],
  gender: [],
  deceased: [],
  addresses: [],
  telecom: [],
  security: [],
};
const generalPractitioners = compileExpression('generalPractitioner');
const odsIdentifier = compileExpression('identifier.where(system = %ods).value');

/** R or V from v3-Confidentiality; a code sent without its system is still honoured (fail closed). */
function isRestricted(security: readonly JsonObject[]): boolean {
  return security.some((coding) => {
    const system = stringField(coding, 'system');
    const code = stringField(coding, 'code');
    return (
      (system === undefined || system === CONFIDENTIALITY_SYSTEM) &&
      code !== undefined &&
      RESTRICTED_CONFIDENTIALITY.has(code)
    );
  });
}

function nameView(name: JsonObject): HumanNameView | undefined {
  const text = humanNameText(name);
  if (text === undefined) return undefined;
  return compact({
    family: stringField(name, 'family'),
    given: stringArrayField(name, 'given'),
    text,
    use: stringField(name, 'use'),
  });
}

function addressView(address: JsonObject): AddressView | undefined {
  const lines = stringArrayField(address, 'line');
  const city = stringField(address, 'city');
  const district = stringField(address, 'district');
  const postcode = stringField(address, 'postalCode');
  const text =
    stringField(address, 'text') ?? [...lines, city, district, postcode].filter(Boolean).join(', ');
  if (text === '') return undefined;
  return compact({ lines, city, district, postcode, use: stringField(address, 'use'), text });
}

function telecomView(point: JsonObject): TelecomView | undefined {
  const value = stringField(point, 'value');
  if (value === undefined) return undefined;
  return compact({ system: stringField(point, 'system'), value, use: stringField(point, 'use') });
}

function defined<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/**
 * Demographics from the Patient resource. `restricted` is set from meta.security; everything is still
 * projected and the UI shows a notice instead of the content.
 * @see https://hl7.org/fhir/R4/patient.html
 */
export function projectDemographics(set: ResourceSet): Demographics {
  const fields =
    readFields([set.patient], PATIENT_FIELDS, set.unreadable, ENVIRONMENT)[0]?.fields ?? EMPTY_FIELDS;
  const deceasedValue = fields.deceased[0];
  return compact({
    nhsNumber: firstString(fields.nhsNumber),
    names: defined(objects(fields.names).map(nameView)),
    birthDate: firstString(fields.birthDate),
    gender: firstString(fields.gender),
    deceased:
      typeof deceasedValue === 'string'
        ? { dateTime: deceasedValue }
        : deceasedValue === true
          ? {}
          : undefined,
    addresses: defined(objects(fields.addresses).map(addressView)),
    telecom: defined(objects(fields.telecom).map(telecomView)),
    restricted: isRestricted(objects(fields.security)),
  });
}

/**
 * The registered GP: an Organization (name, ODS code) preferred over a Practitioner; an identifier-only
 * reference (as UK Core allows) gives the ODS code alone.
 * @see https://hl7.org/fhir/R4/patient-definitions.html#Patient.generalPractitioner
 */
export function projectRegisteredGp(set: ResourceSet): RegisteredGp | undefined {
  const references = objects(evaluate(generalPractitioners, set.patient.resource));
  const ordered = [...references].sort((a, b) => organisationFirst(a) - organisationFirst(b));
  for (const reference of ordered) {
    const target = set.resolve(reference, set.patient);
    const identifier = isJsonObject(reference.identifier) ? reference.identifier : undefined;
    const odsCode =
      (target === undefined
        ? undefined
        : firstString(evaluate(odsIdentifier, target.resource, ENVIRONMENT))) ??
      (stringField(identifier, 'system') === ODS_SYSTEM ? stringField(identifier, 'value') : undefined);
    const name = referenceName(set, reference, set.patient);
    if (name === undefined && odsCode === undefined) continue;
    return compact({ name, odsCode, source: target?.source ?? set.patient.source });
  }
  return undefined;
}

function organisationFirst(reference: JsonObject): number {
  const type = stringField(reference, 'type') ?? stringField(reference, 'reference') ?? '';
  return type.startsWith('Organization') ? 0 : 1;
}
