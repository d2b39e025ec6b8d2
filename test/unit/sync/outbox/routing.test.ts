// Routing of a note to an ICB: each rule in turn, a patient from outside the area, and unroutable notes.
import { describe, expect, it } from 'vitest';
import { routeNote } from '../../../../sync/outbox';
import type { PatientLink } from '../../../../sync/outbox';
import { testProfile } from './note-fixtures';

const profile = testProfile({ trust: 'https://trust.example/fhir' });
const known = (sourceIcb: string, registeredGpPractice?: string): PatientLink => ({
  kind: 'known',
  sourceIcb,
  patientId: 'p1',
  nhsNumber: '9434765919',
  ...(registeredGpPractice === undefined ? {} : { registeredGpPractice }),
});
const unknown = (registeredGpPractice?: string): PatientLink => ({
  kind: 'unknown',
  demographics: { name: 'Alex Doe' },
  ...(registeredGpPractice === undefined ? {} : { registeredGpPractice }),
});

describe('routeNote', () => {
  it('sends to the ICB whose record supplied the summary, whatever the GP or postcode', () => {
    const route = routeNote({ patient: known('QJ2', 'C84001'), incidentPostcode: 'NG7 2UH' }, profile);
    expect(route).toMatchObject({
      routable: true,
      rule: 'summary-source',
      target: { kind: 'icb', odsCode: 'QJ2' },
    });
    expect(route.reason).toBe("Sending to Derwent Valley ICB: patient's record came from there");
  });

  it('falls to the registered GP practice when the patient has no summary', () => {
    const route = routeNote({ patient: unknown('C81010'), incidentPostcode: 'NG7 2UH' }, profile);
    expect(route).toMatchObject({ routable: true, rule: 'registered-gp', target: { odsCode: 'QJ2' } });
    expect(route.reason).toContain('C81010');
  });

  it("uses the GP when the summary's ICB is no longer in the profile", () => {
    const route = routeNote({ patient: known('ZZ9', 'C82020'), incidentPostcode: 'NG7 2UH' }, profile);
    expect(route).toMatchObject({ rule: 'registered-gp', target: { odsCode: 'QK1' } });
  });

  it('falls to the incident postcode for a patient from outside the area (GP unknown to every ICB)', () => {
    const route = routeNote({ patient: unknown('Y12345'), incidentPostcode: 'de1 3ab' }, profile);
    expect(route).toMatchObject({
      routable: true,
      rule: 'incident-postcode',
      target: { odsCode: 'QJ2', name: 'Derwent Valley ICB' },
    });
    expect(route.reason).toBe('Sending to Derwent Valley ICB: the incident was in DE1');
  });

  it('falls to the trust endpoint when neither GP nor incident postcode belongs to an ICB', () => {
    const route = routeNote({ patient: unknown('Y12345'), incidentPostcode: 'M1 1AA' }, profile);
    expect(route).toMatchObject({
      routable: true,
      rule: 'trust-endpoint',
      target: { kind: 'trust', fhirBaseUrl: 'https://trust.example/fhir' },
    });
    expect(route.reason).toContain('M1');
  });

  it('is unroutable, with the reasons, when the trust has no endpoint either', () => {
    const route = routeNote({ patient: unknown(), incidentPostcode: undefined }, testProfile({}, false));
    expect(route.routable).toBe(false);
    expect(route.reason).toMatch(
      /no registered GP practice recorded; no incident postcode recorded.*no endpoint/,
    );
  });
});
