// `npm start` configuration from environment variables, validated with messages that name the variable.
import { z } from 'zod';
import { defaultDemoPorts } from '../demo/profiles';

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (any free port) or 1-65535')
    .max(65535, 'must be at most 65535')
    .default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'], {
      error: 'must be on or off (1/0, true/false)',
    })
    .default(fallback ? 'on' : 'off')
    .transform((value) => ['1', 'true', 'on', 'yes'].includes(value));

const envSchema = z.object({
  KERBSIDE_HOST: z
    .enum(['127.0.0.1', 'localhost'], { error: 'must be 127.0.0.1 or localhost' })
    .default('127.0.0.1'),
  KERBSIDE_APP_PORT: port(defaultDemoPorts.app),
  KERBSIDE_NORTH_PORT: port(defaultDemoPorts.north),
  KERBSIDE_SOUTH_PORT: port(defaultDemoPorts.south),
  KERBSIDE_WEST_PORT: port(defaultDemoPorts.west),
  KERBSIDE_DISPATCH_PORT: port(defaultDemoPorts.dispatch),
  KERBSIDE_DEMO_PATIENTS: z.coerce
    .number({ error: 'must be a number of patients' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .max(200_000, 'must be at most 200000')
    .default(5_000),
  KERBSIDE_DEMO_SEED: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').default(1),
  KERBSIDE_DEMO_HISTORY: flag(true),
  KERBSIDE_DEMO_PRE_ARRIVALS: flag(true),
  KERBSIDE_MODE: z
    .enum(['auto', 'electron', 'browser'], { error: 'must be auto, electron or browser' })
    .default('auto'),
  KERBSIDE_PROFILE: z
    .enum(['crew', 'control-room'], { error: 'must be crew or control-room' })
    .default('crew'),
});

export type StartOptions = z.infer<typeof envSchema>;

export type StartOptionsResult =
  | { readonly ok: true; readonly options: StartOptions }
  | { readonly ok: false; readonly errors: readonly string[] };

export function parseStartOptions(env: Readonly<Record<string, string | undefined>>): StartOptionsResult {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => key.startsWith('KERBSIDE_') && value !== undefined && value !== '',
    ),
  );
  const result = envSchema.safeParse(relevant);
  if (result.success) return { ok: true, options: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`),
  };
}
