import { describe, expect, it } from 'vitest';
import { buildDemoProfile, defaultDemoEndpoints } from '../../../demo/profiles';
import crewJson from '../../../demo/profiles/crew.json';
import controlRoomJson from '../../../demo/profiles/control-room.json';
import { parseProfile, parseProfileJson, type Profile } from '../../../sync/provisioning-profile';

function valid(): Profile {
  return structuredClone(buildDemoProfile('crew', defaultDemoEndpoints));
}

type Mutation = (profile: Record<string, unknown> & Profile) => void;

function issuesAfter(mutate: Mutation): { path: string; message: string }[] {
  const profile = valid() as Record<string, unknown> & Profile;
  mutate(profile);
  const result = parseProfile(profile);
  if (result.ok) throw new Error('expected the profile to be rejected');
  return [...result.issues];
}

describe('provisioning profile', () => {
  it('accepts the demo crew and control-room profiles shipped in demo/profiles', () => {
    expect(parseProfile(crewJson).ok).toBe(true);
    expect(parseProfile(controlRoomJson).ok).toBe(true);
    expect(crewJson).toEqual(JSON.parse(JSON.stringify(buildDemoProfile('crew', defaultDemoEndpoints))));
    expect(controlRoomJson).toEqual(
      JSON.parse(JSON.stringify(buildDemoProfile('control-room', defaultDemoEndpoints))),
    );
  });

  it('normalises postcode districts to upper case', () => {
    const profile = valid();
    profile.area.postcodeDistricts = [' ng7 '];
    const result = parseProfile(profile);
    expect(result.ok && result.profile.area.postcodeDistricts).toEqual(['NG7']);
  });

  const cases: [string, Mutation, string, RegExp][] = [
    [
      'a missing ICB URL',
      (p) => void Reflect.deleteProperty(p.icbs[0] ?? {}, 'fhirBaseUrl'),
      'icbs[0].fhirBaseUrl',
      /expected string/i,
    ],
    [
      'an http URL for a real ICB',
      (p) => void Object.assign(p.icbs[1] ?? {}, { fhirBaseUrl: 'http://scr.example.nhs.uk/fhir' }),
      'icbs[1].fhirBaseUrl',
      /https/,
    ],
    [
      'a URL that is not a URL',
      (p) => void Object.assign(p.dispatch, { fhirBaseUrl: 'not a url' }),
      'dispatch.fhirBaseUrl',
      /absolute URL/,
    ],
    [
      'duplicate ICB ODS codes',
      (p) => void Object.assign(p.icbs[2] ?? {}, { odsCode: 'QT1' }),
      'icbs[2].odsCode',
      /duplicate ICB ODS code QT1/,
    ],
    [
      'an unknown top-level key',
      (p) => void Object.assign(p, { colour: 'green' }),
      '(root)',
      /unknown key: colour/,
    ],
    [
      'an unknown nested key',
      (p) => void Object.assign(p.icbs[0] ?? {}, { timeout: 5 }),
      'icbs[0]',
      /unknown key: icbs\[0\]\.timeout/,
    ],
    [
      'a bad callsign',
      (p) => void Object.assign(p.device, { callsign: 'ambulance 1' }),
      'device.callsign',
      /callsign/,
    ],
    ['an unknown role', (p) => void Object.assign(p.device, { role: 'driver' }), 'device.role', /crew/],
    [
      'negative retention',
      (p) => void Object.assign(p.retention, { summaryDays: -1 }),
      'retention.summaryDays',
      /at least 1 days/,
    ],
    [
      'a fractional auto-lock',
      (p) => void Object.assign(p.security, { autoLockMinutes: 2.5 }),
      'security.autoLockMinutes',
      /whole number of minutes/,
    ],
    [
      'too few PIN attempts',
      (p) => void Object.assign(p.security, { pinAttemptsBeforeWipe: 1 }),
      'security.pinAttemptsBeforeWipe',
      /at least 3 attempts/,
    ],
    [
      'a bad postcode district',
      (p) => void (p.area.postcodeDistricts = ['NG7', 'NOTAPOSTCODE']),
      'area.postcodeDistricts[1]',
      /postcode district/,
    ],
    ['an empty area', (p) => void (p.area.postcodeDistricts = []), 'area.postcodeDistricts', /at least one/],
    ['no ICBs', (p) => void (p.icbs = []), 'icbs', /at least one ICB/],
    [
      'a bad GP practice code',
      (p) => void ((p.icbs[0] ?? { gpPractices: [] }).gpPractices = ['12345']),
      'icbs[0].gpPractices[0]',
      /practice ODS code/,
    ],
    [
      'a bearer auth without a token',
      (p) => void Object.assign(p.icbs[0] ?? {}, { auth: { type: 'bearer', token: ' ' } }),
      'icbs[0].auth.token',
      /empty/,
    ],
    [
      'an unknown auth type',
      (p) => void Object.assign(p.icbs[0] ?? {}, { auth: { type: 'basic' } }),
      'icbs[0].auth.type',
      /./,
    ],
    ['a wrong schema version', (p) => void Object.assign(p, { schemaVersion: 2 }), 'schemaVersion', /./],
  ];

  it.each(cases)('rejects %s and names the path', (_name, mutate, path, message) => {
    const issues = issuesAfter(mutate);
    const issue = issues.find((candidate) => candidate.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('reports JSON syntax errors at the root', () => {
    const result = parseProfileJson('{ "schemaVersion": 1,');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.message).toMatch(/not valid JSON/);
  });

  it('cannot be polluted through __proto__ keys', () => {
    const text = JSON.stringify(valid()).replace('{', '{"__proto__":{"polluted":true},');
    const result = parseProfileJson(text);
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
