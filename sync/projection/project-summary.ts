// projectSummary: one ICB's FHIR resources for one patient, in any mix of plain resources and Bundles,
// to the PatientSummary the UI shows. Pure: the same input always gives the same summary.
import { activeFlags, projectAlerts } from './alerts';
import { projectAllergies } from './allergies';
import { projectContacts } from './contacts';
import { projectDemographics, projectRegisteredGp } from './demographics';
import { projectEncounters } from './encounters';
import { projectMedications } from './medications';
import { projectNarratives } from './narrative';
import { observationRows, projectBaselineObservations, projectSpo2Target } from './observations';
import { projectPlans } from './plans';
import { projectCarePlans, projectProblems } from './problems-and-care-plans';
import { buildResourceSet } from './resource-set';
import { projectResuscitation } from './resuscitation';
import type {
  Demographics,
  PatientSummary,
  ProjectionInput,
  SourceIcb,
  UnreadableItem,
} from './summary-model';
import { compact, newest } from './values';

function uniqueUnreadable(items: readonly UnreadableItem[]): UnreadableItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.source.resourceType}/${item.source.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Projects one patient's record from one ICB into the display model. Accepts plain resources, IPS
 * document Bundles ($summary) and searchset Bundles together; duplicates (same type/id) count once.
 * Restricted records are projected in full with `demographics.restricted` set: the UI decides what to show.
 * @see https://hl7.org/fhir/uv/ips/
 * @see https://hl7.org/fhir/R4/bundle.html
 * @throws ProjectionError when no Patient is present.
 */
export function projectSummary(input: ProjectionInput): PatientSummary {
  const set = buildResourceSet(input.icb, input.resources);
  const now = input.now ?? input.fetchedAt;
  const demographics = projectDemographics(set);
  const flags = activeFlags(set, now);
  const observations = observationRows(set);
  let lastUpdated = set.patient.source.lastUpdated;
  for (const record of set.records) lastUpdated = newest(lastUpdated, record.source.lastUpdated);

  const summary: PatientSummary = compact({
    schemaVersion: 1 as const,
    source: compact({
      icb: input.icb,
      patientId: set.patient.source.id,
      fetchedAt: input.fetchedAt,
      lastUpdated,
    }),
    demographics,
    resuscitation: projectResuscitation(set, flags),
    allergies: projectAllergies(set),
    alerts: projectAlerts(set, flags, demographics.restricted),
    plans: projectPlans(set),
    medications: projectMedications(set),
    problems: projectProblems(set),
    carePlans: projectCarePlans(set),
    baselineObservations: projectBaselineObservations(set, observations),
    spo2Target: projectSpo2Target(set, flags, observations),
    encounters: projectEncounters(set),
    contacts: projectContacts(set),
    registeredGp: projectRegisteredGp(set),
    narratives: projectNarratives(set),
    unreadable: [],
  });
  return { ...summary, unreadable: uniqueUnreadable(set.unreadable) };
}

/**
 * Demographics alone, from the Patient resource among `resources`: what search keys and result cards need,
 * at a fraction of a full projection's cost (the pre-cache stores raw resources and projects on view).
 * @throws ProjectionError when no Patient is present.
 */
export function projectDemographicsOnly(icb: SourceIcb, resources: readonly unknown[]): Demographics {
  const patient = resources.find(
    (resource) =>
      typeof resource === 'object' &&
      resource !== null &&
      (resource as { resourceType?: unknown }).resourceType === 'Patient',
  );
  return projectDemographics(buildResourceSet(icb, patient === undefined ? [] : [patient]));
}
