// Invented but realistic UK names: English, Scottish, Welsh, Irish, South Asian, Polish, Chinese and more,
// with accents, hyphens and some non-Latin scripts (with a Latin alias), as the client must handle them.
import type { HumanName } from '@medplum/fhirtypes';
import type { Random } from './random';

export type Sex = 'male' | 'female';

/** A family name that may change with sex (Kowalski / Kowalska, Ó Briain / Ní Bhriain). */
type Family = string | { readonly male: string; readonly female: string };

interface LatinPool {
  readonly weight: number;
  readonly language?: string; // BCP 47, when the person may prefer a language other than English
  readonly male: readonly string[];
  readonly female: readonly string[];
  readonly family: readonly Family[];
}

const latinPools: readonly LatinPool[] = [
  {
    weight: 50,
    male: [
      'Oliver',
      'George',
      'Harry',
      'Jack',
      'William',
      'Thomas',
      'James',
      'David',
      'Peter',
      'Michael',
      'John',
      'Daniel',
      'Alfie',
      'Noah',
      'Stephen',
      'Graham',
    ],
    female: [
      'Olivia',
      'Amelia',
      'Emily',
      'Sophie',
      'Margaret',
      'Susan',
      'Jennifer',
      'Elizabeth',
      'Charlotte',
      'Zoë',
      'Renée',
      'Chloë',
      'Hannah',
      'Joan',
      'Beverley',
      'Doreen',
    ],
    family: [
      'Smith',
      'Taylor',
      'Brown',
      'Wilson',
      'Johnson',
      'Walker',
      'Wright',
      'Thompson',
      'Hughes-Jones',
      'Robinson',
      'Wood',
      'Clarke',
      'Harrison-Blake',
      'Fforde-Whittington',
      'Green',
      'Hall',
      'Ashworth',
      'Bradshaw',
    ],
  },
  {
    weight: 6,
    male: ['Callum', 'Hamish', 'Angus', 'Fraser', 'Euan', 'Ruaridh', 'Alasdair'],
    female: ['Eilidh', 'Morag', 'Isla', 'Kirsty', 'Mhairi', 'Catriona', 'Ailsa'],
    family: ['MacDonald', 'Campbell', 'McLeod', 'Fraser', 'Murray', 'Sinclair', 'MacKenzie', 'Robertson'],
  },
  {
    weight: 6,
    male: ['Rhys', 'Dafydd', 'Gethin', 'Iwan', 'Llŷr', 'Emyr', 'Aled'],
    female: ['Rhiannon', 'Siân', 'Cerys', 'Angharad', 'Eleri', 'Ffion', 'Nia'],
    family: [
      'Llewellyn',
      'Jones',
      'Davies',
      'Evans',
      'Pritchard',
      'Powell',
      'ap Rhys',
      'Bowen',
      'Vaughan',
      'Gruffydd',
    ],
  },
  {
    weight: 6,
    male: ['Seán', 'Ciarán', 'Pádraig', 'Declan', 'Eoin', 'Oisín'],
    female: ['Siobhán', 'Aoife', 'Niamh', 'Róisín', 'Caoimhe', 'Orla'],
    family: [
      "O'Brien",
      'Murphy',
      { male: 'Ó Briain', female: 'Ní Bhriain' },
      'Kelly',
      "O'Sullivan",
      'Byrne',
      { male: 'Ó Ceallaigh', female: 'Ní Cheallaigh' },
      'McCarthy',
    ],
  },
  {
    weight: 12,
    male: ['Mohammed', 'Arjun', 'Rajesh', 'Imran', 'Sanjay', 'Harpreet', 'Amir', 'Vikram', 'Sunil', 'Aarav'],
    female: ['Priya', 'Aisha', 'Fatima', 'Sunita', 'Anjali', 'Nadia', 'Simran', 'Zainab', 'Meera'],
    family: [
      'Patel',
      'Khan',
      'Singh',
      'Ahmed',
      'Hussain',
      { male: 'Rahman', female: 'Begum' },
      'Sharma',
      'Chaudhry',
      'Shah',
      'Gill',
    ],
  },
  {
    weight: 6,
    language: 'pl',
    male: ['Łukasz', 'Piotr', 'Krzysztof', 'Tomasz', 'Paweł', 'Wojciech'],
    female: ['Agnieszka', 'Małgorzata', 'Katarzyna', 'Zofia', 'Joanna'],
    family: [
      'Nowak',
      { male: 'Wiśniewski', female: 'Wiśniewska' },
      { male: 'Kowalski', female: 'Kowalska' },
      'Wójcik',
      { male: 'Zieliński', female: 'Zielińska' },
    ],
  },
  {
    weight: 3,
    language: 'pt',
    male: ['José', 'João', 'Miguel', 'Andrés'],
    female: ['María', 'Inês', 'Lucía', 'Conceição'],
    family: ['García', 'Fernández', 'Silva', 'Pereira', 'Gonçalves'],
  },
  {
    weight: 4,
    male: ['Wei', 'Jian', 'Hao', 'Ming', 'Kwok-Wing'],
    female: ['Mei', 'Xiu', 'Yan', 'Man-Yee'],
    family: ['Chen', 'Wong', 'Li', 'Zhang', 'Lam', 'Cheung', 'Liu'],
  },
  {
    weight: 5,
    male: ['Chidi', 'Kwame', 'Tunde', 'Emeka', 'Kofi'],
    female: ['Ngozi', 'Abena', 'Folasade', 'Adaeze', 'Ama'],
    family: ['Adebayo', 'Okafor', 'Mensah', 'Owusu', 'Okonkwo', 'Adeyemi'],
  },
];

/** Native script and its Latin transliteration. */
type Pair = readonly [native: string, latin: string];

interface NonLatinPool {
  readonly language: string;
  readonly familyFirst: boolean; // Chinese order: family name then given name, written without a space
  readonly male: readonly Pair[];
  readonly female: readonly Pair[];
  readonly familyMale: readonly Pair[];
  readonly familyFemale: readonly Pair[];
}

const chineseFamilies: readonly Pair[] = [
  ['李', 'Li'],
  ['王', 'Wang'],
  ['张', 'Zhang'],
  ['陈', 'Chen'],
  ['刘', 'Liu'],
  ['黄', 'Huang'],
];
const arabicFamilies: readonly Pair[] = [
  ['حسن', 'Hassan'],
  ['خليل', 'Khalil'],
  ['منصور', 'Mansour'],
  ['سعيد', 'Saeed'],
];
const ukrainianFamilies: readonly Pair[] = [
  ['Шевченко', 'Shevchenko'],
  ['Коваленко', 'Kovalenko'],
  ['Бондаренко', 'Bondarenko'],
];

const nonLatinPools: readonly NonLatinPool[] = [
  {
    language: 'zh',
    familyFirst: true,
    male: [
      ['伟', 'Wei'],
      ['强', 'Qiang'],
      ['军', 'Jun'],
      ['浩', 'Hao'],
    ],
    female: [
      ['静', 'Jing'],
      ['丽', 'Li'],
      ['敏', 'Min'],
      ['芳', 'Fang'],
    ],
    familyMale: chineseFamilies,
    familyFemale: chineseFamilies,
  },
  {
    language: 'ar',
    familyFirst: false,
    male: [
      ['محمد', 'Mohammed'],
      ['أحمد', 'Ahmed'],
      ['يوسف', 'Youssef'],
      ['عمر', 'Omar'],
    ],
    female: [
      ['فاطمة', 'Fatima'],
      ['ليلى', 'Layla'],
      ['مريم', 'Maryam'],
      ['نور', 'Nour'],
    ],
    familyMale: arabicFamilies,
    familyFemale: arabicFamilies,
  },
  {
    language: 'el',
    familyFirst: false,
    male: [
      ['Γιώργος', 'Giorgos'],
      ['Νίκος', 'Nikos'],
      ['Δημήτρης', 'Dimitris'],
    ],
    female: [
      ['Ελένη', 'Eleni'],
      ['Μαρία', 'Maria'],
      ['Κατερίνα', 'Katerina'],
    ],
    familyMale: [
      ['Παπαδόπουλος', 'Papadopoulos'],
      ['Οικονόμου', 'Oikonomou'],
      ['Γεωργίου', 'Georgiou'],
    ],
    familyFemale: [
      ['Παπαδοπούλου', 'Papadopoulou'],
      ['Οικονόμου', 'Oikonomou'],
      ['Γεωργίου', 'Georgiou'],
    ],
  },
  {
    language: 'uk',
    familyFirst: false,
    male: [
      ['Олександр', 'Oleksandr'],
      ['Дмитро', 'Dmytro'],
      ['Іван', 'Ivan'],
    ],
    female: [
      ['Олена', 'Olena'],
      ['Наталія', 'Nataliia'],
      ['Ірина', 'Iryna'],
    ],
    familyMale: ukrainianFamilies,
    familyFemale: ukrainianFamilies,
  },
];

export interface PersonName {
  readonly names: HumanName[];
  /** The Latin family name, shared with relatives. */
  readonly family: string;
  readonly nonLatin: boolean;
  readonly language?: string;
}

function familyFor(family: Family, sex: Sex): string {
  return typeof family === 'string' ? family : family[sex];
}

function prefixFor(random: Random, sex: Sex, age: number): string[] {
  if (age < 18 || !random.chance(0.6)) return [];
  if (random.chance(0.05)) return ['Dr'];
  if (sex === 'male') return ['Mr'];
  return [
    random.weighted<string>([
      ['Mrs', 5],
      ['Ms', 3],
      ['Miss', 2],
    ]),
  ];
}

export function makePersonName(random: Random, sex: Sex, age: number, nonLatin: boolean): PersonName {
  if (nonLatin) {
    const pool = random.pick(nonLatinPools);
    const [givenNative, givenLatin] = random.pick(pool[sex]);
    const [familyNative, familyLatin] = random.pick(sex === 'male' ? pool.familyMale : pool.familyFemale);
    const nativeText = pool.familyFirst ? `${familyNative}${givenNative}` : `${givenNative} ${familyNative}`;
    const latinText = pool.familyFirst ? `${familyLatin} ${givenLatin}` : `${givenLatin} ${familyLatin}`;
    return {
      names: [
        { use: 'official', text: nativeText, family: familyNative, given: [givenNative] },
        { use: 'usual', text: latinText, family: familyLatin, given: [givenLatin] },
      ],
      family: familyLatin,
      nonLatin: true,
      language: pool.language,
    };
  }
  const pool = random.weighted(latinPools.map((candidate) => [candidate, candidate.weight] as const));
  const given = [random.pick(pool[sex])];
  if (random.chance(0.35)) given.push(random.pick(pool[sex]));
  const family = familyFor(random.pick(pool.family), sex);
  const prefix = prefixFor(random, sex, age);
  const name: HumanName =
    prefix.length > 0 ? { use: 'official', prefix, family, given } : { use: 'official', family, given };
  // Some people from these communities prefer their first language (and may need an interpreter).
  if (pool.language !== undefined && random.chance(0.4)) {
    return { names: [name], family, nonLatin: false, language: pool.language };
  }
  return { names: [name], family, nonLatin: false };
}

/** A relative's name: usually sharing the family name, sometimes not (married, separated, friends). */
export function makeRelativeName(random: Random, family: string, sex: Sex): HumanName {
  const pool = random.weighted(latinPools.map((candidate) => [candidate, candidate.weight] as const));
  const relativeFamily = random.chance(0.7) ? family : familyFor(random.pick(pool.family), sex);
  return { family: relativeFamily, given: [random.pick(pool[sex])] };
}
