// A deterministic synthetic UK population in FHIR R4 (UK Core shape), spread over the demo world's three ICBs.
// `iteratePopulation` streams one record at a time (for 200,000 patients); `generatePopulation` collects them.
import type { Resource } from '@medplum/fhirtypes';
import { demoIcbs } from '../world';
import type { DemoIcb } from '../world';
import { buildAlerts } from './alerts';
import { buildAllergies, buildMedicines, buildProblems } from './clinical-records';
import { buildDirectory } from './directory';
import type { IcbDirectory } from './directory';
import { EdgeCaseCollector } from './edge-cases';
import type { EdgeCaseName, EdgeCases } from './edge-cases';
import { buildEncountersAndVitals } from './encounters-vitals';
import { isoDate, toDay } from './fhir-helpers';
import { NhsNumberSequence } from './nhs-numbers';
import { buildPatient } from './patient-resource';
import { planPerson } from './person';
import type { PersonPlan } from './person';
import { buildPlans } from './plans';
import { deriveSeed, hashString, Random } from './random';
import { RecordContext } from './record-context';
import type { RecordVariant } from './record-context';

export type { EdgeCaseName, EdgeCases } from './edge-cases';

export interface PopulationOptions {
  readonly seed: number;
  readonly patients: number;
  /** ISO date that is "now" for the data; default '2026-11-01'. */
  readonly referenceDate?: string;
}

export interface PatientRecord {
  readonly icb: DemoIcb['key'];
  readonly nhsNumber: string;
  /** The Patient first, then everything this ICB's record holds about them. */
  readonly resources: readonly Resource[];
  /** The edge cases this record was made to be (a second ICB's copy is never a long record). */
  readonly edgeCases: readonly EdgeCaseName[];
}

export interface Population {
  readonly options: Required<PopulationOptions>;
  /** Every resource each ICB's Shared Care Record holds (Organizations/Practitioners for its practices once). */
  readonly records: Readonly<Record<DemoIcb['key'], Resource[]>>;
  readonly edgeCases: EdgeCases;
  readonly stats: {
    readonly patients: number;
    readonly resources: number;
    readonly byType: Readonly<Record<string, number>>;
  };
}

export const MIN_PATIENTS = 100;
export const MAX_PATIENTS = 200_000;
export const DEFAULT_REFERENCE_DATE = '2026-11-01';

/** Checks the options and fills in the default reference date; throws RangeError with what was wrong. */
export function resolveOptions(options: PopulationOptions): Required<PopulationOptions> {
  const { seed, patients } = options;
  const referenceDate = options.referenceDate ?? DEFAULT_REFERENCE_DATE;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295, got ${String(seed)}`);
  }
  if (!Number.isInteger(patients) || patients < MIN_PATIENTS || patients > MAX_PATIENTS) {
    throw new RangeError(
      `patients must be an integer from ${MIN_PATIENTS} to ${MAX_PATIENTS}, got ${String(patients)}`,
    );
  }
  // Round-tripping through a day number rejects impossible dates such as 2026-02-31.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(referenceDate) ? toDay(referenceDate) : Number.NaN;
  if (Number.isNaN(day) || isoDate(day) !== referenceDate) {
    throw new RangeError(`referenceDate must be an ISO date like 2026-11-01, got ${referenceDate}`);
  }
  return { seed, patients, referenceDate };
}

/** The Organizations and Practitioners each ICB's record holds once, before any patient. */
export function populationDirectory(
  options: PopulationOptions,
): Readonly<Record<DemoIcb['key'], readonly Resource[]>> {
  const resolved = resolveOptions(options);
  const directories = buildDirectories(resolved.seed, toDay(resolved.referenceDate));
  return {
    north: directories.north.resources,
    south: directories.south.resources,
    west: directories.west.resources,
  };
}

function buildDirectories(seed: number, referenceDay: number): Record<DemoIcb['key'], IcbDirectory> {
  const [north, south, west] = demoIcbs.map((icb) => buildDirectory(seed, icb, referenceDay - 30));
  if (north === undefined || south === undefined || west === undefined)
    throw new Error('The demo world must have three ICBs');
  return { north, south, west };
}

/** What the other ICB still holds: demographics, allergies, problems, old medicines, alerts and plans. */
const SECONDARY_TYPES = new Set([
  'Patient',
  'AllergyIntolerance',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Flag',
  'Consent',
  'DocumentReference',
  'CarePlan',
]);

function thinForSecondRecord(resources: readonly Resource[]): Resource[] {
  const kept = resources.filter((resource) => {
    if (!SECONDARY_TYPES.has(resource.resourceType)) return false;
    if (resource.resourceType !== 'Condition') return true;
    return resource.category?.[0]?.coding?.[0]?.code === 'problem-list-item';
  });
  // Medicines there are from before the person moved: no longer current.
  const stale = kept.map((resource): Resource => {
    if (resource.resourceType === 'MedicationStatement' || resource.resourceType === 'MedicationRequest') {
      return { ...resource, status: 'completed' };
    }
    return resource;
  });
  const referenced = new Set(
    stale.flatMap((resource) =>
      resource.resourceType === 'MedicationStatement' || resource.resourceType === 'MedicationRequest'
        ? [resource.medicationReference?.reference ?? '']
        : [],
    ),
  );
  const medications = resources.filter(
    (resource) => resource.resourceType === 'Medication' && referenced.has(`Medication/${resource.id ?? ''}`),
  );
  return [...stale, ...medications];
}

function buildRecord(
  person: PersonPlan,
  variant: RecordVariant,
  directories: Record<DemoIcb['key'], IcbDirectory>,
  seed: number,
  referenceDay: number,
): PatientRecord {
  const second = variant === 'secondary' ? person.secondRecord : undefined;
  const icb = second?.icb ?? person.registeredIcb;
  const directory = directories[icb.key];
  const practice = directory.practices.get((second?.practice ?? person.practice).odsCode);
  if (practice === undefined) throw new Error(`Practice missing from ${icb.key} directory`);
  const ids = new Random(deriveSeed(seed, hashString('ids'), hashString(icb.key), person.index));
  const context = new RecordContext(person, directory, practice, variant, referenceDay, ids);
  const resources: Resource[] = [
    ...buildPatient(context),
    ...buildAllergies(context),
    ...buildProblems(context),
    ...buildMedicines(context),
    ...buildEncountersAndVitals(context),
    ...buildAlerts(context),
    ...buildPlans(context),
  ];
  const cases = [...person.cases].filter(
    (name) => variant === 'primary' || (name !== 'longRecord' && name !== 'livesInOtherIcb'),
  );
  return {
    icb: icb.key,
    nhsNumber: person.nhsNumber,
    resources: variant === 'primary' ? resources : thinForSecondRecord(resources),
    edgeCases: cases,
  };
}

/** Streams every patient record: one per person, and a second for people held by two ICBs. */
export function* iteratePopulation(options: PopulationOptions): Generator<PatientRecord> {
  const { seed, patients, referenceDate } = resolveOptions(options);
  const referenceDay = toDay(referenceDate);
  const directories = buildDirectories(seed, referenceDay);
  const nhsNumbers = new NhsNumberSequence(seed);
  for (let index = 0; index < patients; index++) {
    const person = planPerson(seed, index, nhsNumbers.next(), referenceDay);
    yield buildRecord(person, 'primary', directories, seed, referenceDay);
    if (person.secondRecord !== undefined)
      yield buildRecord(person, 'secondary', directories, seed, referenceDay);
  }
}

export function generatePopulation(options: PopulationOptions): Population {
  const resolved = resolveOptions(options);
  const directory = populationDirectory(resolved);
  const records: Record<DemoIcb['key'], Resource[]> = {
    north: [...directory.north],
    south: [...directory.south],
    west: [...directory.west],
  };
  const collector = new EdgeCaseCollector();
  for (const record of iteratePopulation(resolved)) {
    const target = records[record.icb];
    for (const resource of record.resources) target.push(resource);
    collector.add(record.nhsNumber, record.edgeCases);
  }
  const byType: Record<string, number> = {};
  let total = 0;
  for (const resources of Object.values(records)) {
    for (const resource of resources)
      byType[resource.resourceType] = (byType[resource.resourceType] ?? 0) + 1;
    total += resources.length;
  }
  const sortedByType = Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)));
  return {
    options: resolved,
    records,
    edgeCases: collector.result(),
    stats: { patients: resolved.patients, resources: total, byType: sortedByType },
  };
}
