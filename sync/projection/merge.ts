// One person seen in several ICBs' records (same NHS number): sections concatenated, identical items
// (same codes and dates) shown once with every source, each item still attributed.
import { sortAlerts } from './alerts';
import { allergySection } from './allergies';
import { sortContacts } from './contacts';
import { ENCOUNTER_LIMIT, sortEncounters } from './encounters';
import { sortMedications } from './medications';
import { sortObservations } from './observations';
import { sortPlans } from './plans';
import { sortCarePlans, sortProblems } from './problems-and-care-plans';
import { ProjectionError } from './projection-error';
import { sortResuscitation } from './resuscitation';
import type {
  AlertItem,
  AllergyItem,
  AllergySection,
  CarePlanItem,
  Code,
  ContactItem,
  Demographics,
  EncounterItem,
  ItemSource,
  MedicationItem,
  NarrativeItem,
  NoKnownAllergyItem,
  ObservationItem,
  PatientSummary,
  PlanItem,
  ProblemItem,
  RegisteredGp,
  ResuscitationItem,
  Spo2Target,
  SummarySource,
  UnreadableItem,
} from './summary-model';
import { compareDatesNewestFirst } from './values';

/** An item shown once for every source that recorded it; `source` is the first of `sources`. */
export type Merged<T extends { readonly source: ItemSource }> = T & {
  readonly sources: readonly ItemSource[];
};

export interface MergedAllergySection extends Omit<AllergySection, 'items' | 'noKnownAllergies'> {
  readonly items: readonly Merged<AllergyItem>[];
  readonly noKnownAllergies: readonly Merged<NoKnownAllergyItem>[];
}

export interface MergedSummary {
  readonly nhsNumber?: string;
  readonly sources: readonly SummarySource[];
  /** Demographics from the most recently updated source (names and addresses may differ by ICB). */
  readonly demographics: Demographics;
  readonly demographicsBySource: readonly {
    readonly source: SummarySource;
    readonly demographics: Demographics;
  }[];
  /** True when any source marks the record restricted: the most restrictive wins. */
  readonly restricted: boolean;
  readonly resuscitation: readonly Merged<ResuscitationItem>[];
  readonly allergies: MergedAllergySection;
  readonly alerts: readonly Merged<AlertItem>[];
  readonly plans: readonly Merged<PlanItem>[];
  readonly medications: readonly Merged<MedicationItem>[];
  readonly problems: readonly Merged<ProblemItem>[];
  readonly carePlans: readonly Merged<CarePlanItem>[];
  readonly baselineObservations: readonly Merged<ObservationItem>[];
  readonly spo2Targets: readonly Merged<Spo2Target>[];
  readonly encounters: readonly Merged<EncounterItem>[];
  readonly contacts: readonly Merged<ContactItem>[];
  readonly registeredGps: readonly Merged<RegisteredGp>[];
  readonly narratives: readonly NarrativeItem[];
  readonly unreadable: readonly UnreadableItem[];
}

function codesKey(codes: readonly Code[], display: string): string {
  if (codes.length === 0) return `text:${display.trim().toLowerCase()}`;
  return [...new Set(codes.map((code) => `${code.system ?? ''}|${code.code}`))].sort().join(',');
}

function day(date: string | undefined): string {
  return date?.slice(0, 10) ?? '';
}

/** Concatenates, keeping the first of each key and adding the sources of its duplicates. */
function mergeItems<T extends { readonly source: ItemSource }>(
  lists: readonly (readonly T[])[],
  key: (item: T) => string,
): Merged<T>[] {
  const byKey = new Map<string, { item: T; sources: ItemSource[] }>();
  for (const list of lists) {
    for (const item of list) {
      const itemKey = key(item);
      const existing = byKey.get(itemKey);
      if (existing === undefined) byKey.set(itemKey, { item, sources: [item.source] });
      else existing.sources.push(item.source);
    }
  }
  return [...byKey.values()].map(({ item, sources }) => ({ ...item, sources }));
}

function checkSamePerson(summaries: readonly PatientSummary[]): string | undefined {
  const first = summaries[0];
  if (first === undefined) throw new ProjectionError('No summaries to merge', 'nothing-to-merge');
  const nhsNumber = first.demographics.nhsNumber;
  if (summaries.length === 1) return nhsNumber;
  for (const summary of summaries) {
    if (summary.demographics.nhsNumber === undefined || summary.demographics.nhsNumber !== nhsNumber) {
      throw new ProjectionError(
        'Summaries can be merged only when every one carries the same NHS number',
        'different-patients',
      );
    }
  }
  return nhsNumber;
}

/** Latest per observation key across sources, identical readings shown once. */
function latestObservations(summaries: readonly PatientSummary[]): Merged<ObservationItem>[] {
  const merged = mergeItems(
    summaries.map((summary) => summary.baselineObservations),
    (item) => `${item.key}@${item.date ?? ''}=${item.valueText}`,
  );
  const latest = new Map<string, Merged<ObservationItem>>();
  for (const item of merged) {
    const existing = latest.get(item.key);
    if (existing === undefined || compareDatesNewestFirst(item.date, existing.date) < 0)
      latest.set(item.key, item);
  }
  return sortObservations([...latest.values()]);
}

/**
 * Merges one person's summaries from several ICBs. Every item keeps its source; identical items
 * (same codes and dates) appear once listing every source.
 * @throws ProjectionError when given nothing, or summaries that do not all carry the same NHS number.
 */
export function mergeSummaries(summaries: readonly PatientSummary[]): MergedSummary {
  const nhsNumber = checkSamePerson(summaries);
  const newestFirst = [...summaries].sort((a, b) =>
    compareDatesNewestFirst(a.source.lastUpdated, b.source.lastUpdated),
  );
  const latest = newestFirst[0];
  if (latest === undefined) throw new ProjectionError('No summaries to merge', 'nothing-to-merge');
  const lists = <T>(pick: (summary: PatientSummary) => readonly T[]): (readonly T[])[] => summaries.map(pick);

  const items = mergeItems(
    lists((s) => s.allergies.items),
    (item) => `${codesKey(item.codes, item.display)}@${day(item.recordedDate)}#${item.criticality ?? ''}`,
  );
  const noKnownAllergies = mergeItems(
    lists((s) => s.allergies.noKnownAllergies),
    (item) => `${codesKey(item.codes, item.display)}@${day(item.recordedDate)}`,
  );
  const section = allergySection(items, noKnownAllergies);

  return {
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    sources: summaries.map((summary) => summary.source),
    demographics: latest.demographics,
    demographicsBySource: summaries.map((summary) => ({
      source: summary.source,
      demographics: summary.demographics,
    })),
    restricted: summaries.some((summary) => summary.demographics.restricted),
    resuscitation: sortResuscitation(
      mergeItems(
        lists((s) => s.resuscitation),
        (item) => `${item.kind}:${codesKey(item.codes, item.display)}@${day(item.date)}`,
      ),
    ),
    allergies: section,
    alerts: sortAlerts(
      mergeItems(
        lists((s) => s.alerts),
        (item) => `${item.kind}:${codesKey(item.codes, item.display)}@${day(item.start)}`,
      ),
    ),
    plans: sortPlans(
      mergeItems(
        lists((s) => s.plans),
        (item) => `${item.kind}:${codesKey(item.codes, item.display)}@${day(item.date)}`,
      ),
    ),
    medications: sortMedications(
      mergeItems(
        lists((s) => s.medications),
        (item) =>
          `${codesKey(item.codes, item.display)}@${day(item.date)}#${item.doseText ?? ''}#${item.status}`,
      ),
    ),
    problems: sortProblems(
      mergeItems(
        lists((s) => s.problems),
        (item) => `${codesKey(item.codes, item.display)}@${day(item.onset ?? item.recordedDate)}`,
      ),
    ),
    carePlans: sortCarePlans(
      mergeItems(
        lists((s) => s.carePlans),
        (item) => `${codesKey(item.codes, item.display)}@${day(item.start)}`,
      ),
    ),
    baselineObservations: latestObservations(summaries),
    spo2Targets: mergeItems(
      lists((s) => (s.spo2Target === undefined ? [] : [s.spo2Target])),
      (item) => item.text.toLowerCase(),
    ),
    encounters: sortEncounters(
      mergeItems(
        lists((s) => s.encounters),
        (item) => `${item.start ?? ''}#${item.class ?? ''}#${item.types.join('|')}`,
      ),
    ).slice(0, ENCOUNTER_LIMIT),
    contacts: sortContacts(
      mergeItems(
        lists((s) => s.contacts),
        (item) => `${item.display.toLowerCase()}#${[...item.phones].sort().join(',')}`,
      ),
    ),
    registeredGps: mergeItems(
      lists((s) => (s.registeredGp === undefined ? [] : [s.registeredGp])),
      (item) => item.odsCode ?? item.name ?? '',
    ),
    narratives: summaries.flatMap((summary) => summary.narratives),
    unreadable: summaries.flatMap((summary) => summary.unreadable),
  };
}
