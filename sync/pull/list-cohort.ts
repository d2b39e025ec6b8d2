// Lists the area cohort on one ICB's server: patients living in the area's postcode districts, plus
// those registered with the ICB's GP practices in the area, checked against the rule on the device.
import type { QuarantineWrite } from '../store';
import { cohortDecision, cohortRule, type CohortRule } from './cohort';
import type { IcbPullContext } from './context';
import { validateResource } from './validate-resource';

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** Resolves the ICB's in-area GP practice ODS codes to Organization ids on this server. */
export async function resolveCohortRule(
  context: IcbPullContext,
  areaDistricts: readonly string[],
): Promise<CohortRule> {
  const organizationIds: string[] = [];
  const codes = context.icb.gpPractices;
  for (let start = 0; start < codes.length; start += 50) {
    const identifiers = codes.slice(start, start + 50).map((code) => `${ODS_SYSTEM}|${code}`);
    const url = `Organization?identifier=${encodeURIComponent(identifiers.join(','))}&_count=100`;
    for await (const page of context.remote.pages(url, { signal: context.signal })) {
      for (const entry of page.bundle.entry) {
        const checked = validateResource(entry.resource, 0, context.maxResourceBytes);
        if (
          checked.ok &&
          checked.resource.resourceType === 'Organization' &&
          checked.resource.id !== undefined
        ) {
          organizationIds.push(checked.resource.id);
          context.sharedCache.set(`Organization/${checked.resource.id}`, checked.resource);
        }
      }
    }
  }
  return cohortRule(context.icb, areaDistricts, organizationIds);
}

export interface CohortListing {
  readonly ids: readonly string[];
  /** Server time when listing began (from the first page's Bundle.meta.lastUpdated where given). */
  readonly since: string;
  /** Patients that failed validation: stored with their reason, never cached. */
  readonly quarantine: readonly QuarantineWrite[];
}

/** Pages through the cohort searches; invalid Patients are quarantined, the rest decided on the device. */
export async function listCohort(context: IcbPullContext, rule: CohortRule): Promise<CohortListing> {
  const { remote, signal, progress } = context;
  const today = context.now().toISOString().slice(0, 10);
  const deviceTime = new Date(context.now().getTime() - 5 * 60_000).toISOString();
  let since: string | undefined;
  const ids = new Set<string>();
  const quarantine = new Map<string, QuarantineWrite>();
  const searches = [
    `Patient?address-postalcode=${[...rule.areaDistricts].map(encodeURIComponent).join(',')}&_count=${context.pageSize}`,
  ];
  if (rule.practiceOrganizationIds.size > 0) {
    const references = [...rule.practiceOrganizationIds].map((id) => `Organization/${id}`).join(',');
    searches.push(
      `Patient?general-practitioner=${encodeURIComponent(references)}&_count=${context.pageSize}`,
    );
  }
  for (const search of searches) {
    for await (const page of remote.pages(search, { signal })) {
      since ??= page.bundle.lastUpdated;
      progress.bytes += page.bytes;
      for (const entry of page.bundle.entry) {
        if (entry.search?.mode === 'include') continue;
        const checked = validateResource(entry.resource, 0, context.maxResourceBytes);
        if (!checked.ok) {
          const key = `${checked.resourceType ?? '?'}/${checked.id ?? String(quarantine.size)}`;
          quarantine.set(key, {
            icb: context.icb.odsCode,
            resourceType: checked.resourceType,
            resourceId: checked.id,
            reason: checked.reason,
            at: context.now().getTime(),
          });
          continue;
        }
        if (checked.resource.resourceType !== 'Patient' || checked.resource.id === undefined) continue;
        if (cohortDecision(checked.resource, rule, today).member) ids.add(checked.resource.id);
      }
      progress.patientsDone = ids.size;
      progress.report();
    }
  }
  return { ids: [...ids], since: since ?? deviceTime, quarantine: [...quarantine.values()] };
}
