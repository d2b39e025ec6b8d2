// Typed fixtures for outbox tests: a profile with the demo world's three ICBs, and finalised notes with
// deterministic device ids built from a seed.
import { demoIcbs, demoTrust } from '../../../../demo/world';
import type { EncounterNote, EncounterNoteInput } from '../../../../sync/outbox';
import { encounterNoteSchema } from '../../../../sync/outbox';
import type { Profile } from '../../../../sync/provisioning-profile';
import { profileSchema } from '../../../../sync/provisioning-profile';

export const testKey = new Uint8Array(32).map((_, index) => (index * 11 + 5) & 0xff);

/** A crew profile; `baseUrls` maps ICB ODS code (or 'trust') to a FHIR base URL. */
export function testProfile(baseUrls: Readonly<Record<string, string>> = {}, trustEndpoint = true): Profile {
  return profileSchema.parse({
    schemaVersion: 1,
    trust: {
      odsCode: demoTrust.odsCode,
      name: demoTrust.name,
      ...(trustEndpoint
        ? {
            endpoint: { fhirBaseUrl: baseUrls.trust ?? 'https://trust.example/fhir', auth: { type: 'none' } },
          }
        : {}),
    },
    device: { id: 'device-001', callsign: 'EM-A123', role: 'crew' },
    area: { name: 'Trent', postcodeDistricts: ['NG7', 'DE1'] },
    icbs: demoIcbs.map((icb) => ({
      odsCode: icb.odsCode,
      name: icb.name,
      fhirBaseUrl: baseUrls[icb.odsCode] ?? `https://${icb.key}.example/fhir`,
      auth: { type: 'none' },
      postcodeDistricts: [...icb.postcodeDistricts],
      gpPractices: icb.practices.map((practice) => practice.odsCode),
    })),
    dispatch: { fhirBaseUrl: 'https://dispatch.example/fhir', auth: { type: 'none' } },
    retention: { summaryDays: 7, syncedNoteHours: 24 },
    security: { autoLockMinutes: 5, pinAttemptsBeforeWipe: 10 },
  });
}

/** A deterministic UUID v4-shaped id from two numbers. */
export function fixtureUuid(a: number, b: number): string {
  const hex = (value: number, length: number): string =>
    (value >>> 0).toString(16).padStart(length, '0').slice(-length);
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(a ^ b, 3)}-8${hex(b * 7, 3)}-${hex(a * 31, 4)}${hex(b * 13, 8)}`;
}

/** Valid NHS numbers (modulus 11) for fixture patients. */
export const nhsNumbers = [
  '9434765005',
  '9434765013',
  '9434765021',
  '9434765048',
  '9434765056',
  '9434765064',
  '9434765072',
  '9434765080',
  '9434765919',
  '9434765870',
  '9434765889',
  '9434765897',
  '9434765900',
  '9876543210',
  '4010232137',
  '9990000018',
];

/** A finalised note for patient `patient` (index into `nhsNumbers`), the `n`th of the run. */
export function makeNote(n: number, patient = 0, overrides: Partial<EncounterNoteInput> = {}): EncounterNote {
  const call = new Date(Date.UTC(2025, 2, 1, 8, 0, 0) + n * 60_000);
  const at = (minutes: number): string => new Date(call.getTime() + minutes * 60_000).toISOString();
  const input: EncounterNoteInput = {
    id: fixtureUuid(n, 1),
    version: 1,
    status: 'final',
    callsign: 'EM-A123',
    incidentNumber: `INC-${1000 + n}`,
    incidentPostcode: 'NG7 2UH',
    patient: {
      kind: 'known',
      sourceIcb: 'QT1',
      patientId: `patient-${patient}`,
      nhsNumber: nhsNumbers[patient % nhsNumbers.length] ?? '9434765919',
    },
    times: { call: at(0), arrival: at(10), departure: at(40) },
    presentingComplaint: 'Shortness of breath',
    observations: [
      {
        id: fixtureUuid(n, 2),
        time: at(12),
        respiratoryRate: 24,
        spo2: 93,
        spo2Scale: 1,
        onOxygen: false,
        systolicBp: 105,
        diastolicBp: 70,
        pulse: 112,
        consciousness: 'A',
        temperature: 38.4,
        bloodGlucose: 6.2,
        painScore: 3,
      },
    ],
    impression: { id: fixtureUuid(n, 3), snomedCode: '195967001', text: 'Asthma exacerbation' },
    treatments: [
      {
        id: fixtureUuid(n, 4),
        kind: 'drug',
        name: 'Salbutamol',
        code: '39113611000001102',
        dose: { value: 5, unit: 'mg' },
        route: 'nebulised',
        time: at(15),
      },
      { id: fixtureUuid(n, 5), kind: 'procedure', name: 'Oxygen therapy', code: '57485005', time: at(16) },
    ],
    freeText: 'Patient <anxious> & tired.',
    outcome: { kind: 'conveyed', destination: { odsCode: 'RX1', name: "Queen's Medical Centre" } },
    ...overrides,
  };
  return encounterNoteSchema.parse(input);
}

/**
 * A small final note (Encounter, two vital-sign Observations with NEWS2, Composition): for runs of many notes,
 * since the demo server answers each `ifNoneExist` by scanning (and cloning) every resource of the type.
 */
export function minimalNote(n: number, patient = 0): EncounterNote {
  const full = makeNote(n, patient);
  const [set] = full.observations;
  if (set === undefined) throw new Error('fixture has an observation set');
  return encounterNoteSchema.parse({
    ...full,
    observations: [{ id: set.id, time: set.time, spo2Scale: 1, respiratoryRate: 18 }],
    impression: undefined,
    treatments: [],
  });
}
