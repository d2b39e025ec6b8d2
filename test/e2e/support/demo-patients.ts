// Picks patients from the demo world over FHIR, as a crew member would know them: NHS number, name, date of
// birth and postcode. Only plain, living, in-area patients, so the e2e test types what a crew would.
import type { Patient } from '@medplum/fhirtypes';

export interface KnownPatient {
  readonly nhsNumber: string;
  readonly family: string;
  readonly given: string;
  /** `YYYY-MM-DD` */
  readonly birthDate: string;
  readonly postcode: string;
}

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

function known(patient: Patient, districts: readonly string[]): KnownPatient | undefined {
  const nhsNumber = patient.identifier?.find((identifier) => identifier.system === NHS)?.value;
  const name = patient.name?.find((candidate) => candidate.use === 'official') ?? patient.name?.[0];
  const family = name?.family;
  const given = name?.given?.[0];
  const postcode = patient.address?.find((address) => address.use !== 'old')?.postalCode;
  const birthDate = patient.birthDate;
  if (nhsNumber === undefined || family === undefined || given === undefined) return undefined;
  if (postcode === undefined || birthDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate))
    return undefined;
  if (patient.deceasedBoolean === true || patient.deceasedDateTime !== undefined) return undefined;
  if (patient.meta?.security?.some((label) => label.code === 'R')) return undefined;
  if (!/^[A-Za-z]+$/.test(family) || !/^[A-Za-z]+$/.test(given)) return undefined;
  const district = postcode.toUpperCase().split(' ')[0] ?? '';
  if (!districts.includes(district)) return undefined;
  return { nhsNumber, family, given, birthDate, postcode };
}

/** `count` distinct patients of an ICB living in `districts` (each in a different postcode). */
export async function pickPatients(
  fhirBaseUrl: string,
  districts: readonly string[],
  count: number,
): Promise<KnownPatient[]> {
  const response = await fetch(
    `${fhirBaseUrl}/Patient?address-postalcode=${districts.join(',')}&_count=200`,
    { headers: { accept: 'application/fhir+json' } },
  );
  if (!response.ok) throw new Error(`Patient search: HTTP ${response.status}`);
  const bundle = (await response.json()) as { entry?: { resource?: Patient }[] };
  const picked: KnownPatient[] = [];
  const postcodes = new Set<string>();
  for (const entry of bundle.entry ?? []) {
    const patient = entry.resource === undefined ? undefined : known(entry.resource, districts);
    if (patient === undefined || postcodes.has(patient.postcode)) continue;
    postcodes.add(patient.postcode);
    picked.push(patient);
    if (picked.length === count) break;
  }
  if (picked.length < count) throw new Error(`only ${picked.length} plain patients found in ${fhirBaseUrl}`);
  return picked;
}

export function spacedNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** `1954-03-07` -> `07/03/1954`, as crews type it. */
export function dayFirst(birthDate: string): string {
  const [year, month, day] = birthDate.split('-');
  return `${day ?? ''}/${month ?? ''}/${year ?? ''}`;
}
