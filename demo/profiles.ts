// Provisioning profiles for the demo world: a crew vehicle and a control-room desk, pointing at the demo servers.
import type { Profile } from '../sync/provisioning-profile';
import { demoCrewArea, demoIcbs, demoTrust, type DemoIcb } from './world';

export interface DemoEndpoints {
  readonly icbs: Readonly<Record<DemoIcb['key'], string>>;
  readonly dispatch: string;
}

/** The ports `npm start` uses unless told otherwise by environment variables. */
export const defaultDemoPorts = { app: 5173, north: 8101, south: 8102, west: 8103, dispatch: 8110 } as const;

export const defaultDemoEndpoints: DemoEndpoints = {
  icbs: {
    north: `http://127.0.0.1:${defaultDemoPorts.north}/fhir`,
    south: `http://127.0.0.1:${defaultDemoPorts.south}/fhir`,
    west: `http://127.0.0.1:${defaultDemoPorts.west}/fhir`,
  },
  dispatch: `http://127.0.0.1:${defaultDemoPorts.dispatch}/fhir`,
};

export function buildDemoProfile(role: 'crew' | 'control-room', endpoints: DemoEndpoints): Profile {
  return {
    schemaVersion: 1,
    trust: { odsCode: demoTrust.odsCode, name: demoTrust.name },
    device:
      role === 'crew'
        ? { id: 'demo-tablet-0042', callsign: 'EM-A123', role }
        : { id: 'demo-desk-0007', callsign: 'EM-CTRL1', role },
    area: { name: 'Trentside and Derwent Valley', postcodeDistricts: [...demoCrewArea] },
    icbs: demoIcbs.map((icb) => ({
      odsCode: icb.odsCode,
      name: icb.name,
      fhirBaseUrl: endpoints.icbs[icb.key],
      auth: { type: 'none' as const },
      postcodeDistricts: [...icb.postcodeDistricts],
      // Only the practices inside the vehicle's area: their registered patients join the cohort wherever they live.
      gpPractices: icb.practices
        .filter((practice) => demoCrewArea.includes(practice.postcodeDistrict))
        .map((practice) => practice.odsCode),
    })),
    dispatch: { fhirBaseUrl: endpoints.dispatch, auth: { type: 'none' } },
    retention: { summaryDays: 7, syncedNoteHours: 72 },
    security: { autoLockMinutes: 5, pinAttemptsBeforeWipe: 5 },
  };
}
