// Recent encounters (GP, telephone, A&E, admission, home visit) and the patient's usual vital signs,
// with an SpO2 target (NEWS2 scale 2) for some people with COPD.
import type {
  Encounter,
  Goal,
  Observation,
  ObservationComponent,
  Organization,
  Quantity,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { BLOOD_PRESSURE_PANEL, encounterKinds, vitalSigns } from './clinical-codes';
import type { EncounterKind, VitalSign } from './clinical-codes';
import { encounterDiagnosis } from './clinical-records';
import { concept, LOINC, meta, snomed, UCUM } from './fhir-helpers';
import type { Random } from './random';
import type { RecordContext } from './record-context';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const VITAL_SIGNS = concept(
  'http://terminology.hl7.org/CodeSystem/observation-category',
  'vital-signs',
  'Vital Signs',
);

function quantity(sign: VitalSign, value: number): Quantity {
  return { value, unit: sign.unit, system: UCUM, code: sign.ucum };
}

function placeName(
  context: RecordContext,
  kind: EncounterKind,
): { display: string; provider: Reference<Organization> } {
  switch (kind.place) {
    case 'hospital':
      return {
        display: `${kind.location}, ${context.directory.hospital.display ?? ''}`,
        provider: context.directory.hospital,
      };
    case 'mentalHealth':
      return { display: kind.location, provider: context.directory.mentalHealthTrust };
    case 'practice':
      return {
        display: `${kind.location}, ${context.practice.name}`,
        provider: context.practice.organization,
      };
    case 'home':
      return { display: kind.location, provider: context.practice.organization };
  }
}

interface Baseline {
  readonly respiratoryRate: number;
  readonly oxygenSaturation: number;
  readonly heartRate: number;
  readonly systolic: number;
  readonly diastolic: number;
  readonly temperature: number;
}

function baselineFor(context: RecordContext, random: Random): Baseline {
  const has = (key: string): boolean => context.person.conditions.some((condition) => condition.key === key);
  const copd = has('copd');
  const child = context.person.age < 12;
  return {
    respiratoryRate: copd ? random.int(18, 24) : child ? random.int(18, 30) : random.int(12, 20),
    oxygenSaturation: copd ? random.int(87, 93) : random.int(94, 99),
    heartRate: has('atrialFibrillation')
      ? random.int(70, 110)
      : child
        ? random.int(80, 120)
        : random.int(58, 95),
    systolic: has('hypertension') ? random.int(130, 165) : random.int(100, 135),
    diastolic: random.int(60, 92),
    temperature: Math.round((36.1 + random.next() * 1.2) * 10) / 10,
  };
}

/** One set of vital signs: respiratory rate, SpO2, heart rate, blood pressure panel, temperature. */
function vitalSet(context: RecordContext, random: Random, day: number, encounterId?: string): Observation[] {
  const base = baselineFor(context, random);
  const effectiveDateTime = context.dateTime(random, day);
  const encounter: Pick<Observation, 'encounter'> =
    encounterId === undefined
      ? {}
      : { encounter: { reference: `Encounter/${encounterId}`, type: 'Encounter' } };
  const observation = (
    sign: VitalSign | typeof BLOOD_PRESSURE_PANEL,
    value: Pick<Observation, 'valueQuantity' | 'component'>,
  ): Observation => {
    const code = 'loinc' in sign ? sign.loinc : sign.code;
    return {
      resourceType: 'Observation',
      id: context.ids.uuid(),
      meta: meta('Observation', context.lastUpdated(day)),
      status: 'final',
      category: [VITAL_SIGNS],
      code: concept(LOINC, code, sign.display),
      subject: context.patient,
      ...encounter,
      effectiveDateTime,
      ...value,
    };
  };
  const component = (sign: VitalSign, value: number): ObservationComponent => ({
    code: concept(LOINC, sign.loinc, sign.display),
    valueQuantity: quantity(sign, value),
  });
  return [
    observation(vitalSigns.respiratoryRate, {
      valueQuantity: quantity(vitalSigns.respiratoryRate, base.respiratoryRate),
    }),
    observation(vitalSigns.oxygenSaturation, {
      valueQuantity: quantity(vitalSigns.oxygenSaturation, base.oxygenSaturation),
    }),
    observation(vitalSigns.heartRate, { valueQuantity: quantity(vitalSigns.heartRate, base.heartRate) }),
    observation(BLOOD_PRESSURE_PANEL, {
      component: [
        component(vitalSigns.systolic, base.systolic),
        component(vitalSigns.diastolic, base.diastolic),
      ],
    }),
    observation(vitalSigns.bodyTemperature, {
      valueQuantity: quantity(vitalSigns.bodyTemperature, base.temperature),
    }),
  ];
}

function encounter(
  context: RecordContext,
  random: Random,
  day: number,
): { encounter: Encounter; diagnosis: Resource[] } {
  const kind = random.weighted(encounterKinds);
  const place = placeName(context, kind);
  const id = context.ids.uuid();
  const start = context.dateTime(random, day);
  const admitted = kind.classCode === 'IMP';
  const endDay = Math.min(day + (admitted ? random.int(1, 14) : 0), context.person.lastDay);
  const stillIn = admitted && endDay >= context.referenceDay && context.person.deceasedDay === undefined;
  const reasonSource =
    context.person.conditions.length > 0 && random.chance(0.5)
      ? random.pick(context.person.conditions)
      : undefined;
  const diagnosis = kind.classCode === 'EMER' || admitted ? random.chance(0.45) : random.chance(0.12);
  const acute = diagnosis ? encounterDiagnosis(context, random, day, id) : undefined;
  const reason = reasonSource ?? {
    code: acute?.code?.coding?.[0]?.code ?? kind.type.code,
    display: acute?.code?.coding?.[0]?.display ?? kind.type.display,
  };
  const resource: Encounter = {
    resourceType: 'Encounter',
    id,
    meta: meta('Encounter', context.lastUpdated(endDay)),
    status: stillIn ? 'in-progress' : 'finished',
    class: { system: ACT_CODE, code: kind.classCode, display: kind.classDisplay },
    type: [snomed(kind.type.code, kind.type.display)],
    subject: context.patient,
    ...(kind.place === 'practice' || kind.place === 'home'
      ? { participant: [{ individual: context.gp(random) }] }
      : {}),
    period: stillIn ? { start } : { start, end: context.dateTime(random, endDay) },
    reasonCode: [snomed(reason.code, reason.display)],
    location: [{ location: { display: place.display } }],
    serviceProvider: place.provider,
  };
  return { encounter: resource, diagnosis: acute === undefined ? [] : [acute] };
}

/** Encounters (with any diagnoses), usual vital signs and an SpO2 target where one is recorded. */
export function buildEncountersAndVitals(context: RecordContext): Resource[] {
  const random = context.content('encounters');
  const { person } = context;
  const longRecord = person.cases.has('longRecord');
  const count = longRecord ? random.int(60, 140) : random.skewed(1 + 0.8 * person.conditions.length, 20);
  const resources: Resource[] = [];
  for (let index = 0; index < count; index++) {
    const day = context.dayWithin(random, longRecord ? 365 * 6 : 365 * 3);
    const { encounter: visit, diagnosis } = encounter(context, random, day);
    resources.push(visit, ...diagnosis);
    if (longRecord && random.chance(0.6)) resources.push(...vitalSet(context, random, day, visit.id));
  }

  const wantsBaseline =
    person.conditions.length > 0 ? random.chance(0.55) : person.age >= 65 && random.chance(0.2);
  if (wantsBaseline) resources.push(...vitalSet(context, random, context.dayWithin(random, 365)));

  const copd = person.conditions.some((condition) => condition.key === 'copd');
  if (copd && random.chance(0.7)) resources.push(oxygenTarget(context, random));
  return resources;
}

function oxygenTarget(context: RecordContext, random: Random): Goal {
  const day = context.dayWithin(random, 365 * 3);
  const percent = (value: number): Quantity => ({ value, unit: '%', system: UCUM, code: '%' });
  return {
    resourceType: 'Goal',
    id: context.ids.uuid(),
    meta: meta('Goal', context.lastUpdated(day)),
    lifecycleStatus: 'active',
    description: { text: 'Target oxygen saturation 88-92% (NEWS2 SpO2 scale 2)' },
    subject: context.patient,
    startDate: context.date(day),
    target: [
      {
        measure: concept(LOINC, vitalSigns.oxygenSaturation.loinc, vitalSigns.oxygenSaturation.display),
        detailRange: { low: percent(88), high: percent(92) },
      },
    ],
    expressedBy: context.gp(random),
    note: [
      {
        text: 'Risk of hypercapnic respiratory failure: use SpO2 scale 2 for NEWS2 and titrate oxygen to 88-92%.',
      },
    ],
  };
}
