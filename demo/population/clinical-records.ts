// Allergies, problems and medicines in UK Core shape, including the entries a client must hide
// (refuted, entered-in-error) and the medicines given as a reference to a contained or separate Medication.
import type {
  AllergyIntolerance,
  AllergyIntoleranceReaction,
  CodeableConcept,
  Condition,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Resource,
} from '@medplum/fhirtypes';
import {
  acuteDiagnoses,
  allergyFindings,
  allergySubstances,
  ANAPHYLAXIS,
  NO_KNOWN_ALLERGY,
  palliativeMedicine,
  reactions,
} from './clinical-codes';
import type { Code, Medicine } from './clinical-codes';
import { concept, DMD, meta, reference, snomed } from './fhir-helpers';
import type { Random } from './random';
import type { RecordContext } from './record-context';

const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

const PROBLEM_LIST_ITEM = concept(CONDITION_CATEGORY, 'problem-list-item', 'Problem List Item');
const ENCOUNTER_DIAGNOSIS = concept(CONDITION_CATEGORY, 'encounter-diagnosis', 'Encounter Diagnosis');

function allergy(
  context: RecordContext,
  random: Random,
  code: CodeableConcept,
  category: AllergyIntolerance['category'],
): AllergyIntolerance {
  const day = context.dayWithin(random, 365 * 30);
  return {
    resourceType: 'AllergyIntolerance',
    id: context.ids.uuid(),
    meta: meta('AllergyIntolerance', context.lastUpdated(day)),
    clinicalStatus: concept(ALLERGY_CLINICAL, 'active', 'Active'),
    verificationStatus: concept(ALLERGY_VERIFICATION, 'confirmed', 'Confirmed'),
    ...(category === undefined ? {} : { category }),
    code,
    patient: context.patient,
    recordedDate: context.date(day),
    recorder: context.gp(random),
  };
}

export function buildAllergies(context: RecordContext): AllergyIntolerance[] {
  const random = context.content('allergies');
  if (context.person.cases.has('noKnownAllergies')) {
    return [allergy(context, random, snomed(NO_KNOWN_ALLERGY.code, NO_KNOWN_ALLERGY.display), undefined)];
  }
  const count = random.skewed(0.35, 4);
  const allergies: AllergyIntolerance[] = [];
  for (let index = 0; index < count; index++) {
    const asFinding = random.chance(0.3);
    const substance = random.pick(asFinding ? allergyFindings : allergySubstances);
    const severe = random.chance(0.15);
    const manifestation: Code = severe ? ANAPHYLAXIS : random.pick(reactions.slice(1));
    const reaction: AllergyIntoleranceReaction = {
      ...(asFinding ? {} : { substance: snomed(substance.code, substance.display) }),
      manifestation: [snomed(manifestation.code, manifestation.display)],
      severity: severe ? 'severe' : random.pick(['mild', 'moderate'] as const),
    };
    const entry: AllergyIntolerance = {
      ...allergy(context, random, snomed(substance.code, substance.display), [substance.category]),
      type: random.chance(0.85) ? 'allergy' : 'intolerance',
      criticality: severe ? 'high' : random.pick(['low', 'unable-to-assess'] as const),
      reaction: [reaction],
    };
    // A few entries the client must never show.
    const roll = random.next();
    if (roll < 0.03) {
      allergies.push({
        ...entry,
        verificationStatus: concept(ALLERGY_VERIFICATION, 'refuted', 'Refuted'),
        clinicalStatus: concept(ALLERGY_CLINICAL, 'inactive', 'Inactive'),
      });
    } else if (roll < 0.05) {
      const { clinicalStatus: _dropped, ...withoutStatus } = entry; // ait-2: no clinicalStatus when entered-in-error
      allergies.push({
        ...withoutStatus,
        verificationStatus: concept(ALLERGY_VERIFICATION, 'entered-in-error', 'Entered in Error'),
      });
    } else {
      allergies.push(entry);
    }
  }
  return allergies;
}

function condition(
  context: RecordContext,
  random: Random,
  code: Code,
  category: CodeableConcept,
  onsetDay: number,
): Condition {
  return {
    resourceType: 'Condition',
    id: context.ids.uuid(),
    meta: meta('Condition', context.lastUpdated(onsetDay + 1)),
    clinicalStatus: concept(CONDITION_CLINICAL, 'active', 'Active'),
    verificationStatus: concept(CONDITION_VERIFICATION, 'confirmed', 'Confirmed'),
    category: [category],
    code: snomed(code.code, code.display),
    subject: context.patient,
    onsetDateTime: context.date(onsetDay),
    recordedDate: context.date(onsetDay),
    asserter: context.gp(random),
  };
}

/** Long-term problems: mostly active, some resolved or inactive, a rare one entered in error. */
export function buildProblems(context: RecordContext): Condition[] {
  const random = context.content('problems');
  return context.person.conditions.map((chronic) => {
    const onsetDay = context.dayWithin(
      random,
      365 * Math.max(1, context.person.age - chronic.minimumAge + 1),
    );
    const entry = condition(context, random, chronic, PROBLEM_LIST_ITEM, onsetDay);
    const roll = random.next();
    if (roll < 0.01) {
      const { clinicalStatus: _dropped, ...withoutStatus } = entry; // con-5: no clinicalStatus when entered-in-error
      return {
        ...withoutStatus,
        verificationStatus: concept(CONDITION_VERIFICATION, 'entered-in-error', 'Entered in Error'),
      };
    }
    if (roll < 0.08 && (chronic.key === 'depression' || chronic.key === 'asthma')) {
      return { ...entry, clinicalStatus: concept(CONDITION_CLINICAL, 'inactive', 'Inactive') };
    }
    return entry;
  });
}

/** A short illness diagnosed at an encounter, usually resolved since. */
export function encounterDiagnosis(
  context: RecordContext,
  random: Random,
  day: number,
  encounterId: string,
): Condition {
  const code = random.pick(acuteDiagnoses);
  const resolved = day < context.person.lastDay - 30 || random.chance(0.5);
  const entry = condition(context, random, code, ENCOUNTER_DIAGNOSIS, day);
  return {
    ...entry,
    clinicalStatus: resolved ? concept(CONDITION_CLINICAL, 'resolved', 'Resolved') : entry.clinicalStatus,
    ...(resolved
      ? { abatementDateTime: context.date(Math.min(day + random.int(3, 30), context.person.lastDay)) }
      : {}),
    encounter: { reference: `Encounter/${encounterId}`, type: 'Encounter' },
  };
}

function medicationConcept(medicine: Medicine): CodeableConcept {
  return medicine.dmd === undefined
    ? { text: medicine.display }
    : { coding: [{ system: DMD, code: medicine.dmd, display: medicine.display }], text: medicine.display };
}

type MedicineResource = MedicationStatement | MedicationRequest | Medication;

/** One medicine as a MedicationStatement or MedicationRequest; sometimes via a contained or separate Medication. */
function medicineResources(
  context: RecordContext,
  random: Random,
  medicine: Medicine,
  current: boolean,
): MedicineResource[] {
  const startDay = context.dayWithin(random, 365 * 8);
  const endDay = Math.min(startDay + random.int(7, 400), context.person.lastDay);
  const medicationId = context.ids.uuid();
  const form = random.weighted<'code' | 'contained' | 'separate'>([
    ['code', 8],
    ['contained', 1],
    ['separate', 1],
  ]);
  const medication: Medication = {
    resourceType: 'Medication',
    id: medicationId,
    meta: meta('Medication', context.lastUpdated(startDay)),
    code: medicationConcept(medicine),
  };
  const medicationPart =
    form === 'code'
      ? { medicationCodeableConcept: medicationConcept(medicine) }
      : form === 'contained'
        ? {
            contained: [
              { resourceType: 'Medication' as const, id: 'med1', code: medicationConcept(medicine) },
            ],
            medicationReference: { reference: '#med1', display: medicine.display },
          }
        : {
            medicationReference: {
              ...reference<Medication>('Medication', medicationId),
              display: medicine.display,
            },
          };
  const status = current ? 'active' : random.pick(['completed', 'stopped'] as const);
  const id = context.ids.uuid();
  const common = { id, ...medicationPart, subject: context.patient };
  const asRequest = random.chance(0.4);
  const resource: MedicationStatement | MedicationRequest = asRequest
    ? {
        resourceType: 'MedicationRequest',
        meta: meta(
          'MedicationRequest',
          context.lastUpdated(current ? context.person.lastDay - random.int(0, 56) : endDay),
        ),
        ...common,
        status,
        intent: 'order',
        authoredOn: context.date(startDay),
        requester: context.gp(random),
        dosageInstruction: [{ text: medicine.dose }],
        ...(random.chance(0.5)
          ? {
              courseOfTherapyType: concept(
                'http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy',
                'continuous',
                'Continuous long term therapy',
              ),
            }
          : {}),
      }
    : {
        resourceType: 'MedicationStatement',
        meta: meta('MedicationStatement', context.lastUpdated(current ? startDay : endDay)),
        ...common,
        status,
        effectivePeriod: current
          ? { start: context.date(startDay) }
          : { start: context.date(startDay), end: context.date(endDay) },
        dateAsserted: context.date(current ? startDay : endDay),
        informationSource: context.gp(random),
        dosage: [{ text: medicine.dose }],
      };
  return form === 'separate' ? [medication, resource] : [resource];
}

/** Current medicines for each problem, some past ones, and palliative morphine at the end of life. */
export function buildMedicines(context: RecordContext): Resource[] {
  const random = context.content('medicines');
  const resources: Resource[] = [];
  for (const chronic of context.person.conditions) {
    for (const medicine of chronic.medicines) {
      if (random.chance(0.7))
        resources.push(...medicineResources(context, random, medicine, random.chance(0.88)));
    }
  }
  if (context.person.cases.has('endOfLife'))
    resources.push(...medicineResources(context, random, palliativeMedicine, true));
  return resources;
}
