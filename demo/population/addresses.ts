// Addresses in the demo world's postcode districts and phone numbers in Ofcom's drama ranges
// (07700 900xxx, 0115/0116 496 0xxx, 01632 960xxx), which are reserved for fiction and never ring anyone.
import type { Address, ContactPoint } from '@medplum/fhirtypes';
import type { Random } from './random';

const streetNames = [
  'Acacia Avenue',
  'Albert Road',
  'Beech Grove',
  'Brook Street',
  'Castle Boulevard',
  'Chapel Lane',
  'Church Street',
  'Clifton Terrace',
  'Coronation Road',
  'Derwent Close',
  'Elm Drive',
  'Foxglove Way',
  'Garden Row',
  'Hawthorn Crescent',
  'High Street',
  'Holly Mews',
  'Kingfisher Walk',
  'Larch Close',
  'Lime Tree Avenue',
  'Manor Road',
  'Meadow Lane',
  'Mill Street',
  'Newstead Grove',
  'Oak Tree Road',
  'Orchard Way',
  'Park Road',
  'Primrose Hill',
  'Queens Drive',
  'Railway Terrace',
  'Rectory Lane',
  'Rowan Court',
  "St Mary's Gate",
  'School Lane',
  'Station Road',
  'Sycamore Rise',
  'Trent Walk',
  'Victoria Street',
  'Water Lane',
  'Willow Bank',
  'Windmill Hill',
];

const flatPrefixes = ['Flat 1', 'Flat 2', 'Flat 3', 'Flat 4B', 'Flat 12', 'Apartment 7'];
const buildingNames = ['Rose Cottage', 'The Old Forge', 'Ivy House', 'Meadowview', 'Ty Gwyn'];

interface AreaTown {
  readonly city: string;
  readonly district: string; // the administrative district (county) FHIR calls `district`
  readonly landline: (random: Random) => string;
}

const threeDigits = (random: Random): string => String(random.int(0, 999)).padStart(3, '0');

const towns: Readonly<Record<string, AreaTown>> = {
  NG: {
    city: 'Nottingham',
    district: 'Nottinghamshire',
    landline: (random) => `0115 496 0${threeDigits(random)}`,
  },
  DE: { city: 'Derby', district: 'Derbyshire', landline: (random) => `01632 960${threeDigits(random)}` },
  LE: {
    city: 'Leicester',
    district: 'Leicestershire',
    landline: (random) => `0116 496 0${threeDigits(random)}`,
  },
};

/** Letters used in the last two characters of a real inward code (never C, I, K, M, O or V). */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function townFor(postcodeDistrict: string): AreaTown {
  const area = postcodeDistrict.replace(/\d+$/, '');
  const town = towns[area];
  if (town === undefined) throw new RangeError(`No town is known for postcode district ${postcodeDistrict}`);
  return town;
}

/** A full postcode in the district, e.g. `NG7 2AB`: district, space, digit, two letters. */
export function makePostcode(random: Random, postcodeDistrict: string): string {
  const letter = (): string => INWARD_LETTERS.charAt(random.int(0, INWARD_LETTERS.length - 1));
  return `${postcodeDistrict} ${random.int(0, 9)}${letter()}${letter()}`;
}

export function makeAddress(random: Random, postcodeDistrict: string, use: Address['use'] = 'home'): Address {
  const town = townFor(postcodeDistrict);
  const street = `${random.int(1, 240)} ${random.pick(streetNames)}`;
  const line = random.chance(0.15)
    ? [random.pick(flatPrefixes), street]
    : random.chance(0.05)
      ? [random.pick(buildingNames), street]
      : [street];
  return {
    use,
    type: 'physical',
    line,
    city: town.city,
    district: town.district,
    postalCode: makePostcode(random, postcodeDistrict),
    country: 'GB',
  };
}

export function makeMobile(random: Random): string {
  return `07700 900${threeDigits(random)}`;
}

export function makeLandline(random: Random, postcodeDistrict: string): string {
  return townFor(postcodeDistrict).landline(random);
}

/** Phone numbers for a person: usually a mobile, often a landline too, sometimes nothing at all. */
export function makeTelecom(random: Random, postcodeDistrict: string, age: number): ContactPoint[] {
  const telecom: ContactPoint[] = [];
  if (age >= 12 && random.chance(0.85)) {
    telecom.push({ system: 'phone', value: makeMobile(random), use: 'mobile', rank: 1 });
  }
  if (random.chance(age >= 65 ? 0.7 : 0.3)) {
    telecom.push({
      system: 'phone',
      value: makeLandline(random, postcodeDistrict),
      use: 'home',
      rank: telecom.length + 1,
    });
  }
  return telecom;
}
