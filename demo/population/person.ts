// Plans one synthetic person: who they are, where they live, which GP, what illnesses and which edge cases.
// The plan holds no resource ids, so the same person can be written into two ICBs' records.
import type { Patient } from '@medplum/fhirtypes';
import { demoIcbs } from '../world';
import type { DemoIcb, DemoPractice } from '../world';
import { chronicConditions } from './clinical-codes';
import type { ChronicCondition, ConditionKey } from './clinical-codes';
import type { EdgeCaseName } from './edge-cases';
import { isForced } from './edge-cases';
import { makePersonName } from './names';
import type { PersonName, Sex } from './names';
import { deriveSeed, hashString, Random } from './random';

export interface PersonPlan {
  readonly index: number;
  readonly nhsNumber: string;
  /** Seed for every content decision, shared by all records of this person. */
  readonly contentSeed: number;
  readonly sex: Sex;
  readonly gender: NonNullable<Patient['gender']>;
  readonly age: number;
  readonly birthDay: number;
  readonly name: PersonName;
  readonly registeredIcb: DemoIcb;
  readonly practice: DemoPractice;
  readonly homeDistrict: string;
  /** The other ICB that also holds a record, for people in two records. */
  readonly secondRecord?: {
    readonly icb: DemoIcb;
    readonly practice: DemoPractice;
    readonly district: string;
  };
  readonly deceasedDay?: number;
  /** The last day anything can have happened: the reference date, or the day of death. */
  readonly lastDay: number;
  readonly conditions: readonly ChronicCondition[];
  readonly cases: ReadonlySet<EdgeCaseName>;
}

const allDistricts = demoIcbs.flatMap((icb) => icb.postcodeDistricts.map((district) => ({ icb, district })));
const westIcb = demoIcbs.find((icb) => icb.key === 'west');

function ageBand(random: Random): number {
  const [low, high] = random.weighted<readonly [number, number]>([
    [[0, 17], 20],
    [[18, 49], 33],
    [[50, 69], 26],
    [[70, 84], 16],
    [[85, 105], 5],
  ]);
  return random.int(low, high);
}

function practiceFor(random: Random, icb: DemoIcb, district: string): DemoPractice {
  const local = icb.practices.filter((practice) => practice.postcodeDistrict === district);
  return random.pick(local.length > 0 ? local : icb.practices);
}

function chooseConditions(random: Random, age: number, extra: readonly ConditionKey[]): ChronicCondition[] {
  const mean = age < 18 ? 0.3 : age < 45 ? 1 : age < 65 ? 2.1 : age < 80 ? 3.3 : 4.2;
  const count = random.skewed(mean, 9);
  const eligible = chronicConditions.filter((condition) => condition.minimumAge <= age);
  const chosen = new Set<ChronicCondition>();
  for (let attempt = 0; attempt < count * 3 && chosen.size < count; attempt++) {
    chosen.add(random.weighted(eligible.map((condition) => [condition, condition.weight] as const)));
  }
  for (const key of extra) {
    const condition = chronicConditions.find((candidate) => candidate.key === key);
    if (condition !== undefined) chosen.add(condition);
  }
  return chronicConditions.filter((condition) => chosen.has(condition));
}

/** Plans person `index` of the population; `referenceDay` is "today" for the data. */
export function planPerson(seed: number, index: number, nhsNumber: string, referenceDay: number): PersonPlan {
  const contentSeed = deriveSeed(seed, hashString('person'), index);
  const random = new Random(deriveSeed(contentSeed, hashString('plan')));
  const forced = (name: EdgeCaseName): boolean => isForced(name, index);
  const cases = new Set<EdgeCaseName>();

  let age = ageBand(random);
  if (
    ['dnacpr', 'respect', 'endOfLife', 'longRecord', 'deceased'].some((name) => forced(name as EdgeCaseName))
  ) {
    age = random.int(80, 96);
  }
  const sex: Sex = random.chance(0.51) ? 'female' : 'male';
  const gender = random.chance(0.003)
    ? random.pick<NonNullable<Patient['gender']>>(['other', 'unknown'])
    : sex;
  const birthDay = referenceDay - Math.floor(age * 365.25) - random.int(0, 364);

  const nonLatin = forced('nonLatinName') || random.chance(0.03);
  const name = makePersonName(random, sex, age, nonLatin);
  if (name.nonLatin) cases.add('nonLatinName');

  // Where they live and where they are registered.
  let home = random.pick(allDistricts);
  if (forced('outOfArea') && westIcb !== undefined)
    home = { icb: westIcb, district: random.pick(westIcb.postcodeDistricts) };
  let registeredIcb = home.icb;
  if (forced('livesInOtherIcb') || random.chance(0.02)) {
    registeredIcb = random.pick(demoIcbs.filter((icb) => icb.key !== home.icb.key));
    cases.add('livesInOtherIcb');
  }
  const practice = practiceFor(random, registeredIcb, home.district);
  if (home.icb.key === 'west') cases.add('outOfArea');

  let secondRecord: PersonPlan['secondRecord'];
  if (forced('inTwoIcbRecords') || random.chance(0.015)) {
    const icb = random.pick(demoIcbs.filter((candidate) => candidate.key !== registeredIcb.key));
    const district = random.pick(icb.postcodeDistricts);
    secondRecord = { icb, practice: practiceFor(random, icb, district), district };
    cases.add('inTwoIcbRecords');
  }

  // Illnesses, then the cases that follow from age and illness.
  const extra: ConditionKey[] = [];
  const endOfLife = forced('endOfLife') || random.chance(age >= 85 ? 0.04 : 0.002);
  if (endOfLife) extra.push(random.chance(0.5) ? 'lungCancer' : 'heartFailure');
  if (forced('longRecord')) extra.push('copd', 'heartFailure', 'atrialFibrillation', 'type2Diabetes');
  const conditions = chooseConditions(random, age, extra);
  const has = (key: ConditionKey): boolean => conditions.some((condition) => condition.key === key);
  if (endOfLife || (has('lungCancer') && random.chance(0.7))) cases.add('endOfLife');

  const frail = age >= 80 || has('dementia') || cases.has('endOfLife');
  if (forced('dnacpr') || random.chance(frail ? 0.15 : age >= 65 ? 0.02 : 0.001)) cases.add('dnacpr');
  // Many DNACPR decisions are recorded on a ReSPECT form as well.
  const respectWithDnacpr = cases.has('dnacpr') && random.chance(0.4);
  if (forced('respect') || respectWithDnacpr || random.chance(age >= 75 ? 0.08 : 0.003)) cases.add('respect');
  if (forced('safeguarding') || random.chance(0.02)) cases.add('safeguarding');
  if (forced('restricted') || random.chance(0.004)) cases.add('restricted');
  if (forced('longRecord') || random.chance(conditions.length >= 3 ? 0.01 : 0.0005)) cases.add('longRecord');
  if (forced('noKnownAllergies') || random.chance(0.15)) cases.add('noKnownAllergies');
  if (forced('unsafeNarrative') || random.chance(0.005)) cases.add('unsafeNarrative');

  let deceasedDay: number | undefined;
  // Only people older than the look-back window can die within it.
  if ((forced('deceased') || random.chance(age >= 80 ? 0.03 : 0.002)) && age >= 2) {
    deceasedDay = referenceDay - random.int(2, 400);
    cases.add('deceased');
  }
  const lastDay = Math.max(deceasedDay ?? referenceDay, birthDay + 1);

  const plan: PersonPlan = {
    index,
    nhsNumber,
    contentSeed,
    sex,
    gender,
    age,
    birthDay,
    name,
    registeredIcb,
    practice,
    homeDistrict: home.district,
    lastDay,
    conditions,
    cases,
  };
  return {
    ...plan,
    ...(secondRecord === undefined ? {} : { secondRecord }),
    ...(deceasedDay === undefined ? {} : { deceasedDay }),
  };
}
