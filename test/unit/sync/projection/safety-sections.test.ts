// Resuscitation, allergies and alerts: what must be shown first, and what must never be shown.
import type { Consent, DocumentReference, Flag } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { allergy, flag, SNOMED, snomed } from '../../../fixtures/fhir/patient-record';
import { project } from '../../../fixtures/fhir/project';

const dnrConsent = (id: string, dateTime: string, status: Consent['status'] = 'active'): Consent => ({
  resourceType: 'Consent',
  id,
  status,
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'adr' }] },
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentcategorycodes', code: 'dnr' }] },
  ],
  patient: { reference: 'Patient/p1' },
  dateTime,
  organization: [{ display: 'County Durham Hospice' }],
  provision: {
    type: 'permit',
    code: [snomed('450476008', 'Not for attempted cardiopulmonary resuscitation')],
  },
});

const respect = (
  id: string,
  date: string,
  status: DocumentReference['status'] = 'current',
): DocumentReference => ({
  resourceType: 'DocumentReference',
  id,
  status,
  type: snomed('1382601000000107', 'ReSPECT form'),
  subject: { reference: 'Patient/p1' },
  date,
  custodian: { display: 'The Dense Surgery' },
  content: [
    {
      attachment: {
        title: 'ReSPECT form',
        url: 'https://docs.example.nhs.uk/respect/1',
        contentType: 'application/pdf',
      },
    },
  ],
});

describe('resuscitation', () => {
  it('shows a DNACPR consent with its decision, date and holder', () => {
    const [item] = project([dnrConsent('k1', '2024-02-01')]).resuscitation;
    expect(item).toMatchObject({
      kind: 'DNACPR',
      decision: 'Do not attempt CPR',
      date: '2024-02-01',
      holder: 'County Durham Hospice',
    });
    expect(item?.source).toEqual({ icb: 'QHM', resourceType: 'Consent', id: 'k1' });
  });

  it('lists decisions newest first across Consent, DocumentReference and Flag', () => {
    const dnacprFlag: Flag = flag('f1', 'Not for resuscitation', {
      code: snomed('304253006', 'Not for resuscitation'),
      period: { start: '2025-01-01' },
    });
    const items = project([
      dnrConsent('k1', '2023-01-01'),
      respect('d1', '2024-06-01T10:00:00Z'),
      dnacprFlag,
    ]).resuscitation;
    expect(items.map((item) => [item.kind, item.source.id])).toEqual([
      ['DNACPR', 'f1'],
      ['ReSPECT', 'd1'],
      ['DNACPR', 'k1'],
    ]);
    expect(items[1]?.attachment).toEqual({
      title: 'ReSPECT form',
      url: 'https://docs.example.nhs.uk/respect/1',
      contentType: 'application/pdf',
    });
    expect(items[1]?.holder).toBe('The Dense Surgery');
  });

  it('is empty when nothing is recorded, and never shows draft, rescinded, superseded or entered-in-error decisions', () => {
    expect(project([]).resuscitation).toEqual([]);
    const hidden = project([
      dnrConsent('k1', '2024-01-01', 'draft'),
      dnrConsent('k2', '2024-01-01', 'inactive'),
      dnrConsent('k3', '2024-01-01', 'entered-in-error'),
      respect('d1', '2024-01-01', 'superseded'),
      respect('d2', '2024-01-01', 'entered-in-error'),
    ]);
    expect(hidden.resuscitation).toEqual([]);
  });

  it('does not turn a deny provision into "Do not attempt CPR"', () => {
    const consent = { ...dnrConsent('k1', '2024-01-01'), provision: { type: 'deny' as const } };
    const [item] = project([consent]).resuscitation;
    expect(item?.decision).toBeUndefined();
    expect(item?.display).toMatch(/read the document/);
  });
});

describe('allergies', () => {
  it('reports not-recorded when there is no AllergyIntolerance at all', () => {
    expect(project([]).allergies).toEqual({ status: 'not-recorded', items: [], noKnownAllergies: [] });
  });

  it('shows "no known allergies" as a status, never as an allergy', () => {
    const section = project([
      allergy('n1', { code: snomed('716186003', 'No known allergy'), category: undefined }),
    ]).allergies;
    expect(section.status).toBe('no-known-allergies');
    expect(section.items).toEqual([]);
    expect(section.noKnownAllergies[0]?.display).toBe('No known allergy');
  });

  it('lets a real allergy win over a contradicting "no known allergy", and says so', () => {
    const section = project([
      allergy('a1'),
      allergy('n1', { code: snomed('716186003', 'No known allergy') }),
    ]).allergies;
    expect(section.status).toBe('recorded');
    expect(section.items.map((item) => item.display)).toEqual(['Penicillin']);
    expect(section.conflict).toMatch(/treat the allergies as present/);
  });

  it('does not call "no known drug allergy" a conflict with a food allergy', () => {
    const section = project([
      allergy('a1', { code: snomed('762952008', 'Peanut'), category: ['food'] }),
      allergy('n1', { code: snomed('409137002', 'No known drug allergy') }),
    ]).allergies;
    expect(section.status).toBe('recorded');
    expect(section.conflict).toBeUndefined();
  });

  it('sorts high criticality and anaphylaxis first (ties by name)', () => {
    const section = project([
      allergy('low', { code: snomed('387207008', 'Ibuprofen'), criticality: 'low' }),
      allergy('unknown', { code: snomed('387458008', 'Aspirin') }),
      allergy('high', { code: snomed('111088007', 'Latex'), criticality: 'high' }),
      allergy('anaphylaxis', {
        code: snomed('288328004', 'Bee venom'),
        reaction: [{ manifestation: [snomed('39579001', 'Anaphylaxis')] }],
      }),
    ]).allergies;
    expect(section.items.map((item) => item.source.id)).toEqual(['anaphylaxis', 'high', 'unknown', 'low']);
    expect(section.items[0]?.reactions).toEqual([{ manifestations: ['Anaphylaxis'] }]);
  });

  it('never shows refuted, inactive, resolved or entered-in-error allergies', () => {
    const status = (code: string) => ({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }],
    });
    const verification = (code: string) => ({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code }],
    });
    const section = project([
      allergy('r', { verificationStatus: verification('refuted') }),
      allergy('e', { verificationStatus: verification('entered-in-error') }),
      allergy('i', { clinicalStatus: status('inactive') }),
      allergy('s', { clinicalStatus: status('resolved') }),
      allergy('n', { clinicalStatus: status('inactive'), code: snomed('716186003', 'No known allergy') }),
    ]).allergies;
    expect(section).toEqual({ status: 'not-recorded', items: [], noKnownAllergies: [] });
  });

  it('reads international (IPS) codings the same as UK Core', () => {
    const ips = allergy('n1', {
      code: {
        coding: [
          {
            system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips',
            code: 'no-known-allergies',
            display: 'No known allergies',
          },
        ],
      },
    });
    expect(project([ips]).allergies.status).toBe('no-known-allergies');
    const noInfo = allergy('n2', {
      code: {
        coding: [
          { system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code: 'no-allergy-info' },
        ],
      },
    });
    expect(project([noInfo]).allergies.status).toBe('not-recorded');
  });
});

describe('alerts', () => {
  it('puts violence risk and safeguarding before other alerts', () => {
    const alerts = project([
      flag('c', 'Uses a hearing aid: needs BSL interpreter', { period: { start: '2025-01-01' } }),
      flag('s', 'Safeguarding concern: vulnerable adult'),
      flag('v', 'Violent and aggressive behaviour towards staff', { period: { start: '2020-01-01' } }),
      flag('x', 'Insulin dependent', {
        category: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] },
        ],
      }),
    ]).alerts;
    expect(alerts.map((alert) => [alert.kind, alert.source.id])).toEqual([
      ['violence-risk', 'v'],
      ['safeguarding', 's'],
      ['communication', 'c'],
      ['clinical', 'x'],
    ]);
  });

  it('never shows inactive, entered-in-error or expired Flags (an end date covers that whole day)', () => {
    const alerts = project([
      flag('inactive', 'Old alert', { status: 'inactive' }),
      flag('error', 'Wrong patient', { status: 'entered-in-error' }),
      flag('expired', 'Expired alert', { period: { start: '2024-01-01', end: '2025-05-31' } }),
      flag('today', 'Ends today', { period: { start: '2024-01-01', end: '2025-06-01' } }),
    ]).alerts;
    expect(alerts.map((alert) => alert.source.id)).toEqual(['today']);
    expect(alerts[0]?.until).toBe('2025-06-01');
  });

  it('shows implanted devices from DeviceUseStatement once, with the Device type', () => {
    const alerts = project([
      {
        resourceType: 'Device',
        id: 'dev1',
        status: 'active',
        patient: { reference: 'Patient/p1' },
        type: { coding: [{ system: SNOMED, code: '14106009', display: 'Cardiac pacemaker' }] },
      },
      {
        resourceType: 'DeviceUseStatement',
        id: 'dus1',
        status: 'active',
        subject: { reference: 'Patient/p1' },
        device: { reference: 'Device/dev1' },
      },
      {
        resourceType: 'DeviceUseStatement',
        id: 'dus2',
        status: 'completed',
        subject: { reference: 'Patient/p1' },
        device: { display: 'Removed pump' },
      },
    ]).alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'implanted-device',
      display: 'Cardiac pacemaker',
      source: { resourceType: 'DeviceUseStatement', id: 'dus1' },
    });
  });
});
