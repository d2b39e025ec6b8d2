// The demo world's fixed geography: three ICBs, their postcode districts and GP practices, the trust.
// Names are invented; codes only follow the real formats (ICB `QT1`, practice `C84001`, trust `RX9`).

export interface DemoPractice {
  readonly odsCode: string;
  readonly name: string;
  readonly postcodeDistrict: string;
}

export interface DemoIcb {
  /** Short stable key used in URLs and environment variables. */
  readonly key: 'north' | 'south' | 'west';
  readonly odsCode: string;
  readonly name: string;
  readonly postcodeDistricts: readonly string[];
  readonly practices: readonly DemoPractice[];
}

function practices(
  prefix: string,
  first: number,
  districts: readonly string[],
  names: readonly string[],
): DemoPractice[] {
  return names.map((name, index) => ({
    odsCode: `${prefix}${String(first + index).padStart(3, '0')}`,
    name,
    postcodeDistrict: districts[index % districts.length] ?? districts[0] ?? '',
  }));
}

const northDistricts = ['NG1', 'NG2', 'NG3', 'NG5', 'NG7', 'NG8', 'NG9'];
const southDistricts = ['DE1', 'DE3', 'DE21', 'DE22', 'DE23', 'DE24'];
const westDistricts = ['LE1', 'LE2', 'LE3', 'LE4', 'LE5'];

export const demoIcbs: readonly DemoIcb[] = [
  {
    key: 'north',
    odsCode: 'QT1',
    name: 'Trentside ICB',
    postcodeDistricts: northDistricts,
    practices: practices('C84', 1, northDistricts, [
      'Castle Gate Medical Centre',
      'Riverside Surgery',
      'Sherwood Rise Health Centre',
      'Lenton Fields Practice',
      'Beeston Meadows Surgery',
      'Bulwell Road Medical Practice',
    ]),
  },
  {
    key: 'south',
    odsCode: 'QJ2',
    name: 'Derwent Valley ICB',
    postcodeDistricts: southDistricts,
    practices: practices('C81', 10, southDistricts, [
      'Friar Gate Surgery',
      'Mickleover Health Centre',
      'Chaddesden Park Practice',
      'Normanton Medical Centre',
      'Alvaston Family Practice',
    ]),
  },
  {
    key: 'west',
    odsCode: 'QK1',
    name: 'Soar and Wreake ICB',
    postcodeDistricts: westDistricts,
    practices: practices('C82', 20, westDistricts, [
      'Belgrave Road Surgery',
      'Clarendon Park Medical Centre',
      'Braunstone Lane Practice',
      'Evington Health Centre',
    ]),
  },
];

export const demoTrust = { odsCode: 'RX9', name: 'Midlands Demo Ambulance Service NHS Trust' } as const;

/** Districts the demo crew vehicle covers: all of north and south, none of west (west patients are out of area). */
export const demoCrewArea: readonly string[] = [...northDistricts, ...southDistricts];

export function icbForDistrict(district: string): DemoIcb | undefined {
  return demoIcbs.find((icb) => icb.postcodeDistricts.includes(district));
}

export function icbForPractice(odsCode: string): DemoIcb | undefined {
  return demoIcbs.find((icb) => icb.practices.some((practice) => practice.odsCode === odsCode));
}
