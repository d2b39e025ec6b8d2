// The profile as stored on the device: every secret replaced by a reference into the key vault (DESIGN.md §2, §8).
import { z } from '../sync/zod';
import {
  endpointUrl,
  formatPath,
  icbSchema,
  profileSchema,
  type Auth,
  type Profile,
  type ProfileIssue,
} from '../sync/provisioning-profile';

/** A reference to a secret held by the key vault, e.g. `vault:icbs/QT1/bearer-token`. */
const secretRef = z.string().regex(/^vault:[A-Za-z0-9._/-]+$/, 'must be a key-vault reference');

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** Auth with its secret moved out: a bearer token or a SMART private key becomes a vault reference. */
export const storedAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), tokenRef: secretRef }),
  z.strictObject({
    type: z.literal('smart-backend-services'),
    tokenUrl: endpointUrl,
    clientId: nonEmpty,
    keyId: nonEmpty,
    algorithm: z.enum(['RS384', 'ES384']),
    privateKeyRef: secretRef,
    scope: nonEmpty,
  }),
]);
export type StoredAuth = z.infer<typeof storedAuthSchema>;

const storedEndpointSchema = z.strictObject({ fhirBaseUrl: endpointUrl, auth: storedAuthSchema });

export const storedProfileSchema = z
  .strictObject({
    ...profileSchema.shape,
    trust: z.strictObject({
      odsCode: profileSchema.shape.trust.shape.odsCode,
      name: nonEmpty,
      endpoint: storedEndpointSchema.optional(),
    }),
    icbs: z.array(icbSchema.extend({ auth: storedAuthSchema })).min(1, 'at least one ICB is required'),
    dispatch: storedEndpointSchema,
  })
  .superRefine((profile, context) => {
    const codes = profile.icbs.map((icb) => icb.odsCode);
    codes.forEach((code, index) => {
      if (codes.indexOf(code) !== index)
        context.addIssue({
          code: 'custom',
          path: ['icbs', index, 'odsCode'],
          message: `duplicate ICB ODS code ${code}`,
        });
    });
  });
/** The redacted profile: safe to write to disk, show in `--status`, and hand to the renderer. */
export type StoredProfile = z.infer<typeof storedProfileSchema>;

export type ProfileSourceKind = 'cli' | 'managed' | 'settings';

export const storedProfileFileSchema = z.strictObject({
  format: z.literal(1),
  appliedAt: z.iso.datetime(),
  source: z.strictObject({
    kind: z.enum(['cli', 'managed', 'settings']),
    path: z.string().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  profile: storedProfileSchema,
});
/** The file `profile.json` in the user-data folder. */
export type StoredProfileFile = z.infer<typeof storedProfileFileSchema>;

export interface RedactedProfile {
  readonly profile: StoredProfile;
  /** Secret values by vault reference; they go to the key vault and nowhere else. */
  readonly secrets: ReadonlyMap<string, string>;
}

function redactAuth(auth: Auth, refBase: string, secrets: Map<string, string>): StoredAuth {
  switch (auth.type) {
    case 'none':
      return { type: 'none' };
    case 'bearer': {
      const tokenRef = `vault:${refBase}/bearer-token`;
      secrets.set(tokenRef, auth.token);
      return { type: 'bearer', tokenRef };
    }
    case 'smart-backend-services': {
      const privateKeyRef = `vault:${refBase}/private-key-jwk`;
      secrets.set(privateKeyRef, JSON.stringify(auth.privateKeyJwk));
      const { privateKeyJwk: _secret, ...rest } = auth;
      return { ...rest, privateKeyRef };
    }
    default:
      return assertNeverAuth(auth);
  }
}

function assertNeverAuth(value: never): never {
  throw new Error(`unexpected auth type ${JSON.stringify(value)}`);
}

/** Splits a validated profile into what may be stored and the secrets that only the vault may hold. */
export function redactProfile(profile: Profile): RedactedProfile {
  const secrets = new Map<string, string>();
  const { endpoint } = profile.trust;
  const stored: StoredProfile = {
    ...profile,
    trust: {
      odsCode: profile.trust.odsCode,
      name: profile.trust.name,
      ...(endpoint === undefined
        ? {}
        : {
            endpoint: {
              fhirBaseUrl: endpoint.fhirBaseUrl,
              auth: redactAuth(endpoint.auth, 'trust/endpoint', secrets),
            },
          }),
    },
    icbs: profile.icbs.map((icb) => ({ ...icb, auth: redactAuth(icb.auth, `icbs/${icb.odsCode}`, secrets) })),
    dispatch: {
      fhirBaseUrl: profile.dispatch.fhirBaseUrl,
      auth: redactAuth(profile.dispatch.auth, 'dispatch', secrets),
    },
  };
  return { profile: stored, secrets };
}

/** Every endpoint a profile names, with where it is; used for the CSP and the summary. */
export function profileEndpoints(
  profile: StoredProfile,
): { readonly kind: 'icb' | 'dispatch' | 'trust' | 'token'; readonly url: string }[] {
  const endpoints: { kind: 'icb' | 'dispatch' | 'trust' | 'token'; url: string }[] = [];
  const withToken = (kind: 'icb' | 'dispatch' | 'trust', url: string, auth: StoredAuth) => {
    endpoints.push({ kind, url });
    if (auth.type === 'smart-backend-services') endpoints.push({ kind: 'token', url: auth.tokenUrl });
  };
  for (const icb of profile.icbs) withToken('icb', icb.fhirBaseUrl, icb.auth);
  withToken('dispatch', profile.dispatch.fhirBaseUrl, profile.dispatch.auth);
  if (profile.trust.endpoint)
    withToken('trust', profile.trust.endpoint.fhirBaseUrl, profile.trust.endpoint.auth);
  return endpoints;
}

/** What `--status` and the renderer's settings show: no secrets, no vault references. */
export interface ProfileSummary {
  readonly trust: { readonly odsCode: string; readonly name: string };
  readonly device: StoredProfile['device'];
  readonly area: StoredProfile['area'];
  readonly icbs: readonly {
    readonly odsCode: string;
    readonly name: string;
    readonly fhirBaseUrl: string;
    readonly auth: StoredAuth['type'];
    readonly postcodeDistricts: readonly string[];
  }[];
  readonly dispatch: { readonly fhirBaseUrl: string; readonly auth: StoredAuth['type'] };
  readonly retention: StoredProfile['retention'];
  readonly security: StoredProfile['security'];
  readonly updatesFeedUrl: string | null;
  readonly appliedAt: string;
  readonly source: ProfileSourceKind;
}

export function summariseProfile(file: StoredProfileFile): ProfileSummary {
  const { profile } = file;
  return {
    trust: { odsCode: profile.trust.odsCode, name: profile.trust.name },
    device: profile.device,
    area: profile.area,
    icbs: profile.icbs.map((icb) => ({
      odsCode: icb.odsCode,
      name: icb.name,
      fhirBaseUrl: icb.fhirBaseUrl,
      auth: icb.auth.type,
      postcodeDistricts: icb.postcodeDistricts,
    })),
    dispatch: { fhirBaseUrl: profile.dispatch.fhirBaseUrl, auth: profile.dispatch.auth.type },
    retention: profile.retention,
    security: profile.security,
    updatesFeedUrl: profile.updates?.feedUrl ?? null,
    appliedAt: file.appliedAt,
    source: file.source.kind,
  };
}

/** Validates the stored profile file read back from disk (it may have been edited or damaged). */
export function parseStoredProfileFile(
  input: unknown,
): { ok: true; file: StoredProfileFile } | { ok: false; issues: ProfileIssue[] } {
  const result = storedProfileFileSchema.safeParse(input);
  if (result.success) return { ok: true, file: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}
