// Authorization for requests to one FHIR server: none, a static bearer token, or SMART Backend Services
// (client-credentials grant with a signed JWT assertion), with the access token cached until shortly before expiry.
import { importJWK, SignJWT } from 'jose';
import { z } from '../zod';
import type { Auth } from '../provisioning-profile';
import { UnauthorizedError } from './errors';
import { raceAbort } from './retry';

/** Supplies the Authorization header of each request and refreshes it after a 401. */
export interface Authorizer {
  /** The Authorization header value to send, or undefined when the server needs none. */
  authorization(signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Forgets `authorization` (the value a request was refused with) so the next call gets a fresh token.
   * False when there is nothing to refresh (no auth, or a static bearer token).
   */
  invalidate(authorization: string | undefined): boolean;
}

/** Posts a form to the token endpoint; 4xx OAuth errors come back as a response, not a throw. */
export type TokenEndpointPost = (
  url: string,
  form: URLSearchParams,
) => Promise<{ readonly status: number; readonly body: unknown }>;

export interface AuthorizerDependencies {
  readonly post: TokenEndpointPost;
  readonly now: () => number;
  readonly onTokenRefreshed: () => void;
}

/** Lifetime of our client assertion; the spec allows at most five minutes. */
const assertionLifetimeSeconds = 5 * 60;
/** Refresh this long before the server says the token expires, to survive clock skew and slow requests. */
const expirySafetyMarginMs = 60_000;

/** Builds the authorizer for the profile's auth settings. */
export function createAuthorizer(auth: Auth, deps: AuthorizerDependencies): Authorizer {
  switch (auth.type) {
    case 'none':
      return { authorization: () => Promise.resolve(undefined), invalidate: () => false };
    case 'bearer': {
      const header = `Bearer ${auth.token}`;
      return { authorization: () => Promise.resolve(header), invalidate: () => false };
    }
    case 'smart-backend-services':
      return new SmartBackendServicesAuthorizer(auth, deps);
    default: {
      const unknown: never = auth;
      throw new Error(`unknown auth type ${JSON.stringify(unknown)}`);
    }
  }
}

type SmartAuth = Extract<Auth, { type: 'smart-backend-services' }>;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'token_type must be bearer'),
  expires_in: z.number().nonnegative().optional(),
  scope: z.string().optional(),
});
const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * SMART Backend Services: obtains an access token with the client-credentials grant, authenticating with a
 * JWT signed by the device's private key, and caches it until `expires_in` minus a minute.
 * Concurrent requests share one token request.
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html
 */
export class SmartBackendServicesAuthorizer implements Authorizer {
  private cached: { header: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private signingKey: ReturnType<typeof importJWK> | undefined;

  constructor(
    private readonly auth: SmartAuth,
    private readonly deps: AuthorizerDependencies,
  ) {}

  async authorization(signal?: AbortSignal): Promise<string> {
    if (this.cached !== undefined && this.deps.now() < this.cached.expiresAt) return this.cached.header;
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    return raceAbort(this.pending, signal);
  }

  invalidate(authorization: string | undefined): boolean {
    if (this.cached !== undefined && this.cached.header === authorization) this.cached = undefined;
    return true;
  }

  /** @see https://hl7.org/fhir/smart-app-launch/backend-services.html#request-1 */
  private async requestToken(): Promise<string> {
    const { tokenUrl, scope } = this.auth;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await this.clientAssertion(),
    });
    const requestedAt = this.deps.now();
    const { status, body } = await this.deps.post(tokenUrl, form);
    if (status < 200 || status >= 300) {
      const oauthError = oauthErrorSchema.safeParse(body);
      const description = oauthError.success
        ? (oauthError.data.error_description ?? oauthError.data.error)
        : 'token request refused';
      throw new UnauthorizedError(tokenUrl, { status, description });
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new UnauthorizedError(tokenUrl, {
        status,
        description: `unusable token response: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
      });
    }
    const header = `Bearer ${parsed.data.access_token}`;
    const lifetimeMs = (parsed.data.expires_in ?? 0) * 1000 - expirySafetyMarginMs;
    this.cached = { header, expiresAt: requestedAt + Math.max(0, lifetimeMs) };
    this.deps.onTokenRefreshed();
    return header;
  }

  /** @see https://hl7.org/fhir/smart-app-launch/backend-services.html#authenticating-to-the-token-endpoint */
  private async clientAssertion(): Promise<string> {
    const { algorithm, clientId, keyId, privateKeyJwk, tokenUrl } = this.auth;
    this.signingKey ??= importJWK(privateKeyJwk, algorithm);
    const key = await this.signingKey;
    const nowSeconds = Math.floor(this.deps.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: algorithm, kid: keyId, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setJti(randomId())
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + assertionLifetimeSeconds)
      .sign(key);
  }
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
