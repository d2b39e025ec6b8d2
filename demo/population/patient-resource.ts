// The Patient resource (UK Core shape: NHS number with verification status, GP, next of kin) and,
// for some people, a RelatedPerson for the next of kin.
import type {
  Address,
  CodeableConcept,
  ContactPoint,
  Patient,
  PatientContact,
  RelatedPerson,
} from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../../sync/nhs-number';
import { makeAddress, makeMobile, makeTelecom, makeLandline } from './addresses';
import { unsafeNarratives } from './edge-cases';
import { concept, isoDateTime, meta } from './fhir-helpers';
import { makeRelativeName } from './names';
import type { Sex } from './names';
import type { Random } from './random';
import type { RecordContext } from './record-context';

const VERIFICATION_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';
const VERIFICATION_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const NEXT_OF_KIN = concept('http://terminology.hl7.org/CodeSystem/v2-0131', 'N', 'Next-of-Kin');
const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const LANGUAGES: Readonly<Record<string, string>> = {
  pl: 'Polish',
  pt: 'Portuguese',
  zh: 'Chinese',
  ar: 'Arabic',
  el: 'Greek',
  uk: 'Ukrainian',
};

interface Relationship {
  readonly code: string;
  readonly display: string;
  readonly text: string;
  readonly sex: Sex;
}

const relationships: Readonly<Record<'older' | 'adult' | 'child', readonly Relationship[]>> = {
  older: [
    { code: 'DAU', display: 'natural daughter', text: 'Daughter', sex: 'female' },
    { code: 'SON', display: 'natural son', text: 'Son', sex: 'male' },
    { code: 'WIFE', display: 'wife', text: 'Wife', sex: 'female' },
    { code: 'HUSB', display: 'husband', text: 'Husband', sex: 'male' },
    { code: 'NIECE', display: 'niece', text: 'Niece', sex: 'female' },
    { code: 'NEPHEW', display: 'nephew', text: 'Nephew', sex: 'male' },
    { code: 'FRND', display: 'unrelated friend', text: 'Neighbour', sex: 'female' },
  ],
  adult: [
    { code: 'WIFE', display: 'wife', text: 'Wife', sex: 'female' },
    { code: 'HUSB', display: 'husband', text: 'Husband', sex: 'male' },
    { code: 'DOMPART', display: 'domestic partner', text: 'Partner', sex: 'female' },
    { code: 'MTH', display: 'mother', text: 'Mother', sex: 'female' },
    { code: 'FTH', display: 'father', text: 'Father', sex: 'male' },
    { code: 'SIS', display: 'sister', text: 'Sister', sex: 'female' },
    { code: 'BRO', display: 'brother', text: 'Brother', sex: 'male' },
  ],
  child: [
    { code: 'MTH', display: 'mother', text: 'Mother', sex: 'female' },
    { code: 'FTH', display: 'father', text: 'Father', sex: 'male' },
  ],
};

function nhsNumberIdentifier(nhsNumber: string): NonNullable<Patient['identifier']>[number] {
  return {
    extension: [
      {
        url: VERIFICATION_EXTENSION,
        valueCodeableConcept: concept(VERIFICATION_SYSTEM, '01', 'Number present and verified'),
      },
    ],
    system: NHS_NUMBER_SYSTEM,
    value: nhsNumber,
  };
}

interface NextOfKin {
  readonly relationship: CodeableConcept[];
  readonly name: ReturnType<typeof makeRelativeName>;
  readonly telecom: ContactPoint[];
}

function nextOfKin(random: Random, family: string, age: number, district: string): NextOfKin | undefined {
  if (age >= 18 && !random.chance(0.75)) return undefined;
  const group = age < 18 ? 'child' : age >= 60 ? 'older' : 'adult';
  const relation = random.pick(relationships[group]);
  const telecom: ContactPoint[] = [{ system: 'phone', value: makeMobile(random), use: 'mobile' }];
  if (random.chance(0.3))
    telecom.push({ system: 'phone', value: makeLandline(random, district), use: 'home' });
  return {
    relationship: [
      NEXT_OF_KIN,
      {
        coding: [{ system: ROLE_CODE, code: relation.code, display: relation.display }],
        text: relation.text,
      },
    ],
    name: makeRelativeName(random, family, relation.sex),
    telecom,
  };
}

/** The Patient first, then any RelatedPerson. */
export function buildPatient(context: RecordContext): (Patient | RelatedPerson)[] {
  const { person } = context;
  const random = context.content('demographics');
  const home = makeAddress(random, person.homeDistrict);
  const telecom = makeTelecom(random, person.homeDistrict, person.age);
  const kin = nextOfKin(random, person.name.family, person.age, person.homeDistrict);
  const withRelatedPerson = kin !== undefined && random.chance(0.25);
  const updatedDay = context.dayWithin(random, 365);
  const narrative = random.pick(unsafeNarratives);

  let address: Address[] = [home];
  let phones = telecom;
  if (context.variant === 'secondary' && person.secondRecord !== undefined) {
    // The other ICB remembers where they used to live and the phone they used to have.
    const old = makeAddress(context.ids, person.secondRecord.district, 'old');
    address = [{ ...old, period: { end: context.date(updatedDay) } }];
    phones = [
      { system: 'phone', value: makeLandline(context.ids, person.secondRecord.district), use: 'home' },
      ...telecom.slice(0, 1),
    ];
  }

  const security = person.cases.has('restricted')
    ? [{ system: CONFIDENTIALITY, code: 'R', display: 'restricted' }]
    : undefined;
  const patient: Patient = {
    resourceType: 'Patient',
    id: context.patientId,
    meta: {
      ...meta('Patient', context.lastUpdated(updatedDay)),
      ...(security === undefined ? {} : { security }),
    },
    ...(person.cases.has('unsafeNarrative')
      ? { text: { status: 'additional' as const, div: narrative } }
      : {}),
    identifier: [nhsNumberIdentifier(person.nhsNumber)],
    active: true,
    name: person.name.names,
    ...(phones.length > 0 ? { telecom: phones } : {}),
    gender: person.gender,
    birthDate: context.date(person.birthDay),
    ...(person.deceasedDay === undefined
      ? {}
      : { deceasedDateTime: isoDateTime(person.deceasedDay, random.int(0, 1439)) }),
    address,
    ...(kin === undefined ? {} : { contact: [kin satisfies PatientContact] }),
    ...(person.name.language === undefined
      ? {}
      : {
          communication: [
            {
              language: concept(
                'urn:ietf:bcp:47',
                person.name.language,
                LANGUAGES[person.name.language] ?? person.name.language,
              ),
              preferred: true,
            },
          ],
        }),
    generalPractitioner: [context.practice.organization],
  };

  if (!withRelatedPerson) return [patient];
  const related: RelatedPerson = {
    resourceType: 'RelatedPerson',
    id: context.ids.uuid(),
    meta: meta('RelatedPerson', context.lastUpdated(updatedDay)),
    active: true,
    patient: context.patient,
    relationship: kin.relationship,
    name: [kin.name],
    telecom: kin.telecom,
  };
  return [patient, related];
}
