// Small hand-built FHIR fixtures and an HTTP helper for the demo FHIR server tests.
import type {
  AllergyIntolerance,
  Bundle,
  Condition,
  Consent,
  Encounter,
  Flag,
  MedicationStatement,
  Observation,
  Organization,
  Patient,
  Resource,
} from '@medplum/fhirtypes';

export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export const practices: Organization[] = [
  {
    resourceType: 'Organization',
    id: 'gp-c84001',
    identifier: [{ system: ODS_SYSTEM, value: 'C84001' }],
    name: 'Castle Gate',
  },
  {
    resourceType: 'Organization',
    id: 'gp-c84002',
    identifier: [{ system: ODS_SYSTEM, value: 'C84002' }],
    name: 'Riverside',
  },
];

const POSTCODES = ['NG7 1AB', 'NG8 2CD', 'NG9 3EF', 'DE1 4GH', 'ng7 5JK', 'NG70 6LM'];

/** `patients` patients, each with one resource of eight clinical types (9 resources per patient). */
export function population(patients: number, prefix = 'p'): Resource[] {
  const resources: Resource[] = [...practices];
  for (let index = 0; index < patients; index++) {
    const id = `${prefix}${index}`;
    const subject = { reference: `Patient/${id}` };
    const practice = practices[index % practices.length] ?? practices[0];
    const patient: Patient = {
      resourceType: 'Patient',
      id,
      identifier: [{ system: NHS_SYSTEM, value: String(9000000000 + index) }],
      name: [{ family: `Family${index}`, given: ['Alex'] }],
      birthDate: '1950-01-01',
      address: [{ postalCode: POSTCODES[index % POSTCODES.length] ?? 'NG7 1AB' }],
      generalPractitioner: [{ reference: `Organization/${practice?.id ?? ''}` }],
    };
    const allergy: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance',
      id: `${id}-allergy`,
      patient: subject,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '372687004', display: 'Amoxicillin' }] },
    };
    const condition: Condition = {
      resourceType: 'Condition',
      id: `${id}-condition`,
      subject,
      code: { text: 'Asthma' },
    };
    const medication: MedicationStatement = {
      resourceType: 'MedicationStatement',
      id: `${id}-medication`,
      status: 'active',
      subject,
      medicationCodeableConcept: { text: 'Salbutamol inhaler' },
    };
    const observation: Observation = {
      resourceType: 'Observation',
      id: `${id}-spo2`,
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] },
      subject,
      valueQuantity: { value: 94, unit: '%' },
    };
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: `${id}-encounter`,
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' },
      subject,
    };
    const flag: Flag = {
      resourceType: 'Flag',
      id: `${id}-flag`,
      status: 'active',
      code: { text: 'Lives alone' },
      subject,
    };
    const consent: Consent = {
      resourceType: 'Consent',
      id: `${id}-consent`,
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'adr' }] },
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentcategorycodes', code: 'dnr' }] },
      ],
      patient: subject,
    };
    const secondObservation: Observation = { ...observation, id: `${id}-pulse`, code: { text: 'Pulse' } };
    resources.push(
      patient,
      allergy,
      condition,
      medication,
      observation,
      encounter,
      flag,
      consent,
      secondObservation,
    );
  }
  return resources;
}

export interface FhirResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Fetches JSON from a server base URL (`path` is relative to `/fhir`, or absolute). */
export async function fhir<T = Resource>(
  baseUrl: string,
  path: string,
  init: RequestInit = {},
): Promise<FhirResponse<T>> {
  const url = path.startsWith('http') ? path : `${baseUrl}/${path}`;
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('content-type')) {
    headers.set('content-type', 'application/fhir+json');
  }
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** Follows `next` links from a first page and returns every page. */
export async function allPages(baseUrl: string, path: string): Promise<Bundle[]> {
  const pages: Bundle[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const page: FhirResponse<Bundle> = await fhir<Bundle>(baseUrl, next);
    if (page.status !== 200) {
      throw new Error(`GET ${next} -> ${page.status}: ${JSON.stringify(page.body)}`);
    }
    pages.push(page.body);
    next = page.body.link?.find((link) => link.relation === 'next')?.url;
  }
  return pages;
}

export function idsOf(bundles: readonly Bundle[], mode: 'match' | 'include' | 'any' = 'any'): string[] {
  return bundles.flatMap((bundle) =>
    (bundle.entry ?? [])
      .filter((entry) => mode === 'any' || entry.search?.mode === mode)
      .map((entry) => `${entry.resource?.resourceType ?? ''}/${entry.resource?.id ?? ''}`),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
