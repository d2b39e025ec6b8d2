// The device provisioning profile (DESIGN.md section 2): its schema, and parsing that names the path of every error.
import { z } from './zod';

const odsIcb = z.string().regex(/^[A-Z0-9]{3}$/, 'must be a 3-character ICB ODS code such as QT1');
const odsTrust = z.string().regex(/^[A-Z0-9]{3,5}$/, 'must be a trust ODS code such as RX9');
const odsPractice = z.string().regex(/^[A-Z][0-9]{5}$/, 'must be a GP practice ODS code such as C84001');
const postcodeDistrict = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{1,2}[0-9][0-9A-Z]?$/, 'must be a UK postcode district such as NG7'));
const nonEmpty = z.string().trim().min(1, 'must not be empty');

function wholeNumber(min: number, max: number, unit: string) {
  return z
    .number({ error: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`);
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An endpoint URL: https, or http only on this machine's loopback (the embedded demo servers). */
export const endpointUrl = z.string().superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be an absolute URL' });
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) return;
  context.addIssue({
    code: 'custom',
    message: 'must use https (http is allowed only for 127.0.0.1 and localhost)',
  });
});

const privateKeyJwk = z.looseObject({
  kty: z.enum(['RSA', 'EC']),
  d: z.string().min(1, 'a private key needs its "d" member'),
});

export const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), token: nonEmpty }),
  z.strictObject({
    type: z.literal('smart-backend-services'),
    tokenUrl: endpointUrl,
    clientId: nonEmpty,
    keyId: nonEmpty,
    algorithm: z.enum(['RS384', 'ES384']),
    privateKeyJwk,
    scope: nonEmpty,
  }),
]);
export type Auth = z.infer<typeof authSchema>;

const endpointSchema = z.strictObject({ fhirBaseUrl: endpointUrl, auth: authSchema });

export const icbSchema = z.strictObject({
  odsCode: odsIcb,
  name: nonEmpty,
  fhirBaseUrl: endpointUrl,
  auth: authSchema,
  postcodeDistricts: z.array(postcodeDistrict).min(1, 'an ICB must be responsible for at least one district'),
  gpPractices: z.array(odsPractice),
});
export type IcbConfig = z.infer<typeof icbSchema>;

export const profileSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    trust: z.strictObject({ odsCode: odsTrust, name: nonEmpty, endpoint: endpointSchema.optional() }),
    device: z.strictObject({
      id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, 'must be 3-64 letters, digits, dots, dashes'),
      callsign: z.string().regex(/^[A-Z]{1,4}-[A-Z0-9]{1,8}$/, 'must be a callsign such as EM-A123'),
      role: z.enum(['crew', 'control-room']),
    }),
    area: z.strictObject({
      name: nonEmpty,
      postcodeDistricts: z.array(postcodeDistrict).min(1, 'the area needs at least one postcode district'),
    }),
    icbs: z.array(icbSchema).min(1, 'at least one ICB is required'),
    dispatch: endpointSchema,
    retention: z.strictObject({
      summaryDays: wholeNumber(1, 90, 'days'),
      syncedNoteHours: wholeNumber(0, 24 * 90, 'hours'),
    }),
    security: z.strictObject({
      autoLockMinutes: wholeNumber(1, 60, 'minutes'),
      pinAttemptsBeforeWipe: wholeNumber(3, 20, 'attempts'),
    }),
    updates: z.strictObject({ feedUrl: endpointUrl }).optional(),
  })
  .superRefine((profile, context) => {
    const seen = new Map<string, number>();
    profile.icbs.forEach((icb, index) => {
      const first = seen.get(icb.odsCode);
      if (first === undefined) seen.set(icb.odsCode, index);
      else
        context.addIssue({
          code: 'custom',
          path: ['icbs', index, 'odsCode'],
          message: `duplicate ICB ODS code ${icb.odsCode} (also icbs[${first}])`,
        });
    });
  });

export type Profile = z.infer<typeof profileSchema>;

/** One problem with a profile: where it is (`icbs[0].fhirBaseUrl`) and what is wrong. */
export interface ProfileIssue {
  readonly path: string;
  readonly message: string;
}

export type ProfileParseResult =
  | { readonly ok: true; readonly profile: Profile }
  | { readonly ok: false; readonly issues: readonly ProfileIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates an untrusted value as a provisioning profile; every issue names its JSON path. */
export function parseProfile(input: unknown): ProfileParseResult {
  const result = profileSchema.safeParse(input);
  if (result.success) return { ok: true, profile: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      const path = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => formatPath([...issue.path, key]));
        return { path, message: `unknown key${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}` };
      }
      return { path, message: issue.message };
    }),
  };
}

/** Parses profile JSON text; a syntax error is reported as an issue at the root. */
export function parseProfileJson(text: string): ProfileParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      issues: [{ path: '(root)', message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  return parseProfile(value);
}
