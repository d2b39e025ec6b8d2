// People to call: Patient.contact and active RelatedPersons, next of kin first, then emergency contacts,
// each with phone numbers.
import { EMERGENCY_CONTACT_CODES, NEXT_OF_KIN_CODES } from './codes';
import type { JsonObject } from './fhirpath-eval';
import {
  compileExpression,
  evaluate,
  firstObject,
  objectArrayField,
  objectField,
  objects,
  stringField,
} from './fhirpath-eval';
import type { ResourceSet } from './resource-set';
import { buildEach, readFields } from './resource-set';
import type { Code, ContactItem, ItemSource } from './summary-model';
import { codesOf, conceptDisplays, hasCodeIn, humanNameText } from './values';

const patientContacts = compileExpression('contact');
const RELATED_PERSON_FIELDS = {
  active: compileExpression('active'),
  relationships: compileExpression('relationship'),
  name: compileExpression('name'),
  telecom: compileExpression('telecom'),
};

function telecomValues(points: readonly JsonObject[], systems: readonly string[]): string[] {
  const out: string[] = [];
  for (const point of points) {
    const value = stringField(point, 'value');
    const system = stringField(point, 'system');
    if (value !== undefined && system !== undefined && systems.includes(system) && !out.includes(value))
      out.push(value);
  }
  return out;
}

function contactItem(
  source: ItemSource,
  relationshipConcepts: readonly JsonObject[],
  name: string | undefined,
  telecom: readonly JsonObject[],
): ContactItem {
  const codes: Code[] = codesOf(relationshipConcepts);
  const relationshipNames = conceptDisplays(relationshipConcepts);
  const words = relationshipNames.join(' ').toLowerCase();
  return {
    source,
    display: name ?? relationshipNames[0] ?? 'Contact',
    relationships: relationshipNames,
    nextOfKin: hasCodeIn(codes, NEXT_OF_KIN_CODES) || /next[ -]of[ -]kin/.test(words),
    emergencyContact: hasCodeIn(codes, EMERGENCY_CONTACT_CODES) || words.includes('emergency contact'),
    phones: telecomValues(telecom, ['phone', 'sms']),
    emails: telecomValues(telecom, ['email']),
  };
}

function rank(item: ContactItem): number {
  if (item.nextOfKin) return 0;
  if (item.emergencyContact) return 1;
  return 2;
}

/** Next of kin first, then emergency contacts, then the rest in record order. */
export function sortContacts<T extends ContactItem>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * Contacts from Patient.contact (relationship v2-0131: N next of kin, C emergency contact) and active
 * RelatedPersons (v3-RoleCode NOK, ECON).
 * @see https://hl7.org/fhir/R4/patient-definitions.html#Patient.contact
 * @see https://hl7.org/fhir/R4/relatedperson.html
 */
export function projectContacts(set: ResourceSet): ContactItem[] {
  const fromPatient = objects(evaluate(patientContacts, set.patient.resource)).map((contact) =>
    contactItem(
      set.patient.source,
      objectArrayField(contact, 'relationship'),
      humanNameText(objectField(contact, 'name')) ??
        stringField(objectField(contact, 'organization'), 'display'),
      objectArrayField(contact, 'telecom'),
    ),
  );
  const rows = readFields(set.ofType('RelatedPerson'), RELATED_PERSON_FIELDS, set.unreadable);
  const fromRelated = buildEach(set, rows, ({ record, fields }): ContactItem | undefined =>
    fields.active[0] === false
      ? undefined
      : contactItem(
          record.source,
          objects(fields.relationships),
          humanNameText(firstObject(fields.name)),
          objects(fields.telecom),
        ),
  );
  return sortContacts([...fromPatient, ...fromRelated]);
}
