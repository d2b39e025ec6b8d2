import { describe, expect, it } from 'vitest';
import { parseStartOptions } from '../../../scripts/start-options';

describe('npm start configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const result = parseStartOptions({});
    expect(result.ok && result.options).toMatchObject({
      KERBSIDE_HOST: '127.0.0.1',
      KERBSIDE_APP_PORT: 5173,
      KERBSIDE_NORTH_PORT: 8101,
      KERBSIDE_DISPATCH_PORT: 8110,
      KERBSIDE_DEMO_PATIENTS: 5000,
      KERBSIDE_DEMO_HISTORY: true,
      KERBSIDE_DEMO_PRE_ARRIVALS: true,
      KERBSIDE_MODE: 'auto',
      KERBSIDE_PROFILE: 'crew',
    });
  });

  it('reads ports, sizes and switches from the environment', () => {
    const result = parseStartOptions({
      KERBSIDE_APP_PORT: '0',
      KERBSIDE_DEMO_PATIENTS: '250',
      KERBSIDE_DEMO_HISTORY: 'off',
      KERBSIDE_MODE: 'browser',
      PATH: '/usr/bin',
    });
    expect(result.ok && result.options).toMatchObject({
      KERBSIDE_APP_PORT: 0,
      KERBSIDE_DEMO_PATIENTS: 250,
      KERBSIDE_DEMO_HISTORY: false,
      KERBSIDE_MODE: 'browser',
    });
  });

  it('names every bad variable with what is wrong', () => {
    const result = parseStartOptions({
      KERBSIDE_APP_PORT: 'eighty',
      KERBSIDE_WEST_PORT: '70000',
      KERBSIDE_DEMO_PATIENTS: '5',
      KERBSIDE_MODE: 'kiosk',
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^KERBSIDE_APP_PORT: must be a port number/),
        expect.stringMatching(/^KERBSIDE_WEST_PORT: must be at most 65535/),
        expect.stringMatching(/^KERBSIDE_DEMO_PATIENTS: must be at least 100/),
        expect.stringMatching(/^KERBSIDE_MODE: must be auto, electron or browser/),
      ]),
    );
  });
});
