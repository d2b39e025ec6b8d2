// Each ICB record's directory: the ICB, its GP practices and their GPs, the local hospital, hospice and
// mental health trust, as Organizations and Practitioners that the patients' resources reference.
import type { Organization, Practitioner, Reference, Resource } from '@medplum/fhirtypes';
import type { DemoIcb } from '../world';
import { makeLandline, makeAddress } from './addresses';
import { concept, isoInstant, meta, ODS_SYSTEM, reference } from './fhir-helpers';
import { makePersonName } from './names';
import { deriveSeed, hashString, Random } from './random';

export interface DirectoryPractice {
  readonly odsCode: string;
  readonly name: string;
  readonly organization: Reference<Organization>;
  readonly practitioners: readonly Reference<Practitioner>[];
}

export interface IcbDirectory {
  readonly icb: DemoIcb;
  readonly resources: readonly Resource[];
  readonly icbOrganization: Reference<Organization>;
  readonly practices: ReadonlyMap<string, DirectoryPractice>;
  readonly hospital: Reference<Organization>;
  readonly hospice: Reference<Organization>;
  readonly mentalHealthTrust: Reference<Organization>;
}

const places: Readonly<Record<DemoIcb['key'], { hospital: string; hospice: string; mentalHealth: string }>> =
  {
    north: {
      hospital: 'Trentside General Hospital NHS Trust',
      hospice: 'Sherwood Lodge Hospice',
      mentalHealth: 'Trentside Healthcare NHS Trust',
    },
    south: {
      hospital: 'Derwent Valley Royal Infirmary NHS Trust',
      hospice: 'Darley Abbey Hospice',
      mentalHealth: 'Derwent Minds NHS Trust',
    },
    west: {
      hospital: 'Soar Valley General Hospital NHS Trust',
      hospice: 'Wreake House Hospice',
      mentalHealth: 'Soar and Wreake Partnership NHS Trust',
    },
  };

/** The ICB-level organisation type codes (organization-type CodeSystem). */
const PROVIDER = concept(
  'http://terminology.hl7.org/CodeSystem/organization-type',
  'prov',
  'Healthcare Provider',
);
const GOVERNMENT = concept('http://terminology.hl7.org/CodeSystem/organization-type', 'govt', 'Government');

export function buildDirectory(seed: number, icb: DemoIcb, lastUpdatedDay: number): IcbDirectory {
  const random = new Random(deriveSeed(seed, hashString('directory'), hashString(icb.key)));
  const lastUpdated = isoInstant(lastUpdatedDay, 6 * 60);
  const resources: Resource[] = [];
  const firstDistrict = icb.postcodeDistricts[0] ?? '';

  const organization = (
    odsCode: string,
    name: string,
    type = PROVIDER,
    district = firstDistrict,
  ): Reference<Organization> => {
    const id = random.uuid();
    const resource: Organization = {
      resourceType: 'Organization',
      id,
      meta: meta('Organization', lastUpdated),
      identifier: [{ system: ODS_SYSTEM, value: odsCode }],
      active: true,
      type: [type],
      name,
      telecom: [{ system: 'phone', value: makeLandline(random, district), use: 'work' }],
      address: [makeAddress(random, district, 'work')],
    };
    resources.push(resource);
    return {
      ...reference<Organization>('Organization', id, name),
      identifier: { system: ODS_SYSTEM, value: odsCode },
    };
  };

  const icbOrganization = organization(icb.odsCode, icb.name, GOVERNMENT);
  const letter = icb.odsCode.charAt(1);
  const place = places[icb.key];
  const hospital = organization(`R${letter}A`, place.hospital);
  const mentalHealthTrust = organization(`R${letter}B`, place.mentalHealth);
  const hospice = organization(`N${letter}${icb.odsCode.charAt(2)}`, place.hospice);

  const practices = new Map<string, DirectoryPractice>();
  icb.practices.forEach((practice, practiceIndex) => {
    const organizationReference = organization(
      practice.odsCode,
      practice.name,
      PROVIDER,
      practice.postcodeDistrict,
    );
    const practitioners: Reference<Practitioner>[] = [];
    for (let gp = 0; gp < 3; gp++) {
      const id = random.uuid();
      const sex = random.chance(0.55) ? 'female' : 'male';
      const name = makePersonName(random, sex, 45, false).names[0] ?? {};
      const gmcNumber = String(
        7_000_000 + (deriveSeed(seed, hashString(icb.key), practiceIndex, gp) % 999_999),
      );
      const practitioner: Practitioner = {
        resourceType: 'Practitioner',
        id,
        meta: meta('Practitioner', lastUpdated),
        identifier: [{ system: 'https://fhir.hl7.org.uk/Id/gmc-number', value: gmcNumber }],
        active: true,
        name: [{ ...name, prefix: ['Dr'] }],
        gender: sex,
      };
      resources.push(practitioner);
      const given = name.given?.join(' ') ?? '';
      practitioners.push(
        reference<Practitioner>('Practitioner', id, `Dr ${given} ${name.family ?? ''}`.trim()),
      );
    }
    practices.set(practice.odsCode, {
      odsCode: practice.odsCode,
      name: practice.name,
      organization: organizationReference,
      practitioners,
    });
  });

  return { icb, resources, icbOrganization, practices, hospital, hospice, mentalHealthTrust };
}
