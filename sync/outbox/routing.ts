// Chooses where a finalised note is sent (DESIGN.md section 6): the ICB that supplied the summary, else the
// registered GP's ICB, else the incident postcode's ICB, else the trust's own endpoint; with the reason.
import type { Profile } from '../provisioning-profile';
import { postcodeDistrict } from '../pull/cohort';
import type { EncounterNote } from './encounter-note';

export type RouteTarget =
  | { readonly kind: 'icb'; readonly odsCode: string; readonly name: string; readonly fhirBaseUrl: string }
  | { readonly kind: 'trust'; readonly fhirBaseUrl: string };

export type RouteRule = 'summary-source' | 'registered-gp' | 'incident-postcode' | 'trust-endpoint';

export interface Route {
  readonly target: RouteTarget;
  readonly rule: RouteRule;
  /** A sentence for the crew: "Sending to Trentside ICB: patient's record came from there". */
  readonly reason: string;
}

export type RoutingResult =
  ({ readonly routable: true } & Route) | { readonly routable: false; readonly reason: string };

/** What routing needs of a note (so the form can show the route before the note is complete). */
export type RoutableNote = Pick<EncounterNote, 'patient' | 'incidentPostcode'>;

function icbTarget(icb: Profile['icbs'][number]): RouteTarget {
  return { kind: 'icb', odsCode: icb.odsCode, name: icb.name, fhirBaseUrl: icb.fhirBaseUrl };
}

/**
 * Routes a note with the rules in order; the first that applies wins. Only ICBs in the profile are
 * candidates, so a summary from an ICB since removed from the profile falls through to the next rule.
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
export function routeNote(note: RoutableNote, profile: Pick<Profile, 'icbs' | 'trust'>): RoutingResult {
  const { patient } = note;
  const notes: string[] = [];
  if (patient.kind === 'known') {
    const source = profile.icbs.find((icb) => icb.odsCode === patient.sourceIcb);
    if (source !== undefined)
      return {
        routable: true,
        target: icbTarget(source),
        rule: 'summary-source',
        reason: `Sending to ${source.name}: patient's record came from there`,
      };
    notes.push(`the record's ICB ${patient.sourceIcb} is not in this device's profile`);
  }
  const practice = patient.registeredGpPractice;
  if (practice !== undefined) {
    const registered = profile.icbs.find((icb) => icb.gpPractices.includes(practice));
    if (registered !== undefined)
      return {
        routable: true,
        target: icbTarget(registered),
        rule: 'registered-gp',
        reason: `Sending to ${registered.name}: patient's GP practice ${practice} is in that ICB`,
      };
    notes.push(`GP practice ${practice} belongs to none of the profile's ICBs`);
  } else notes.push('no registered GP practice recorded');
  const district = note.incidentPostcode === undefined ? undefined : postcodeDistrict(note.incidentPostcode);
  if (district !== undefined) {
    const local = profile.icbs.find((icb) => icb.postcodeDistricts.includes(district));
    if (local !== undefined)
      return {
        routable: true,
        target: icbTarget(local),
        rule: 'incident-postcode',
        reason: `Sending to ${local.name}: the incident was in ${district}`,
      };
    notes.push(`incident district ${district} is covered by none of the profile's ICBs`);
  } else notes.push('no incident postcode recorded');
  const trustEndpoint = profile.trust.endpoint;
  if (trustEndpoint !== undefined)
    return {
      routable: true,
      target: { kind: 'trust', fhirBaseUrl: trustEndpoint.fhirBaseUrl },
      rule: 'trust-endpoint',
      reason: `Sending to ${profile.trust.name}: no ICB could be chosen (${notes.join('; ')})`,
    };
  return {
    routable: false,
    reason: `Cannot send this note: no ICB could be chosen (${notes.join('; ')}) and the trust has no endpoint`,
  };
}

/** The auth configuration for a target, from the profile (undefined when the profile no longer has it). */
export function authFor(target: RouteTarget, profile: Pick<Profile, 'icbs' | 'trust'>) {
  switch (target.kind) {
    case 'icb':
      return profile.icbs.find((icb) => icb.odsCode === target.odsCode)?.auth;
    case 'trust':
      return profile.trust.endpoint?.auth;
  }
}
