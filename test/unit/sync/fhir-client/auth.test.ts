import { exportJWK, generateKeyPair, jwtVerify, decodeProtectedHeader, type CryptoKey } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { FhirClient, UnauthorizedError, type FhirClientEvent } from '../../../../sync/fhir-client/index';
import { authSchema, type Auth } from '../../../../sync/provisioning-profile';
import { operationOutcome, recordingSleep, sendJson, startServer, type TestServer } from './support';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Algorithm = 'RS384' | 'ES384';

async function smartKeys(algorithm: Algorithm) {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  return { publicKey, privateJwk: await exportJWK(privateKey) };
}

function smartAuth(tokenUrl: string, algorithm: Algorithm, privateJwk: unknown): Auth {
  return authSchema.parse({
    type: 'smart-backend-services',
    tokenUrl,
    clientId: 'kerbside-rx9-device-042',
    keyId: 'device-042-2025',
    algorithm,
    privateKeyJwk: privateJwk,
    scope: 'system/Patient.rs system/Condition.rs',
  });
}

interface TokenServerOptions {
  readonly publicKey: CryptoKey;
  readonly algorithm: Algorithm;
  /** Answers for the FHIR side: given the access token presented, returns a status. */
  readonly fhirStatus?: (token: string | undefined, request: number) => number;
  readonly tokenRefusal?: { status: number; body: unknown };
}

/** A FHIR server with its own token endpoint at /token that verifies the client assertion with the public key. */
async function smartServer(options: TokenServerOptions) {
  const issued: string[] = [];
  const assertionProblems: string[] = [];
  let fhirRequests = 0;
  server = await startServer(async (request, response) => {
    const target = server;
    if (target === undefined) throw new Error('no server');
    if (request.url === '/token') {
      if (options.tokenRefusal !== undefined) {
        sendJson(response, options.tokenRefusal.status, options.tokenRefusal.body);
        return;
      }
      const form = new URLSearchParams(request.body);
      const assertion = form.get('client_assertion') ?? '';
      try {
        expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
        expect(form.get('grant_type')).toBe('client_credentials');
        expect(form.get('client_assertion_type')).toBe(
          'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        );
        expect(form.get('scope')).toBe('system/Patient.rs system/Condition.rs');
        const { payload, protectedHeader } = await jwtVerify(assertion, options.publicKey, {
          algorithms: [options.algorithm],
          issuer: 'kerbside-rx9-device-042',
          subject: 'kerbside-rx9-device-042',
          audience: `${target.origin}/token`,
        });
        expect(protectedHeader).toEqual({ alg: options.algorithm, kid: 'device-042-2025', typ: 'JWT' });
        expect(typeof payload.jti).toBe('string');
        expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
      } catch (error) {
        assertionProblems.push(String(error));
        sendJson(response, 401, { error: 'invalid_client', error_description: 'assertion rejected' });
        return;
      }
      const token = `token-${issued.length + 1}`;
      issued.push(token);
      sendJson(response, 200, {
        access_token: token,
        token_type: 'bearer',
        expires_in: 300,
        scope: 'system/*.rs',
      });
      return;
    }
    fhirRequests += 1;
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    const status = options.fhirStatus?.(token, fhirRequests) ?? 200;
    if (status === 200) sendJson(response, 200, { resourceType: 'Patient', id: 'p1' });
    else sendJson(response, status, operationOutcome('login', 'token not accepted'));
  });
  return { target: server, issued, assertionProblems };
}

function client(target: TestServer, auth: Auth, now: () => number = Date.now) {
  const events: FhirClientEvent[] = [];
  const fhir = new FhirClient({
    baseUrl: target.baseUrl,
    auth,
    sleep: recordingSleep().sleep,
    now,
    onEvent: (event) => events.push(event),
  });
  return { fhir, events };
}

describe('FhirClient authorization', () => {
  it('sends no Authorization header for auth none, and the static token for bearer', async () => {
    server = await startServer((_request, response) => {
      sendJson(response, 200, { resourceType: 'Patient', id: 'p1' });
    });
    await new FhirClient({ baseUrl: server.baseUrl, auth: { type: 'none' } }).getJson('Patient/p1');
    await new FhirClient({ baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'abc123' } }).getJson(
      'Patient/p1',
    );
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[1]?.headers.authorization).toBe('Bearer abc123');
  });

  it.each<Algorithm>(['RS384', 'ES384'])(
    'obtains a SMART backend-services token with a %s client assertion the token endpoint can verify',
    async (algorithm) => {
      const { publicKey, privateJwk } = await smartKeys(algorithm);
      const { target, issued, assertionProblems } = await smartServer({ publicKey, algorithm });
      const { fhir, events } = client(target, smartAuth(`${target.origin}/token`, algorithm, privateJwk));

      await fhir.getJson('Patient/p1');

      expect(assertionProblems).toEqual([]);
      expect(issued).toEqual(['token-1']);
      const fhirRequest = target.requests.find((request) => request.path === '/fhir/Patient/p1');
      expect(fhirRequest?.headers.authorization).toBe('Bearer token-1');
      expect(events).toContainEqual({ type: 'token-refreshed' });
    },
  );

  it('caches the token across calls until a minute before it expires', async () => {
    const { publicKey, privateJwk } = await smartKeys('ES384');
    const { target, issued } = await smartServer({ publicKey, algorithm: 'ES384' });
    let now = Date.now();
    const { fhir } = client(target, smartAuth(`${target.origin}/token`, 'ES384', privateJwk), () => now);

    await Promise.all([fhir.getJson('Patient/p1'), fhir.getJson('Patient/p1'), fhir.getJson('Patient/p1')]);
    await fhir.getJson('Patient/p1');
    expect(issued).toEqual(['token-1']);

    now += 239_000; // expires_in 300 s less the 60 s margin: still valid
    await fhir.getJson('Patient/p1');
    expect(issued).toEqual(['token-1']);

    now += 2_000;
    await fhir.getJson('Patient/p1');
    expect(issued).toEqual(['token-1', 'token-2']);
  });

  it('refreshes the token once after a 401 and succeeds with the new one', async () => {
    const { publicKey, privateJwk } = await smartKeys('RS384');
    const { target, issued } = await smartServer({
      publicKey,
      algorithm: 'RS384',
      fhirStatus: (token) => (token === 'token-1' ? 401 : 200),
    });
    const { fhir, events } = client(target, smartAuth(`${target.origin}/token`, 'RS384', privateJwk));

    const response = await fhir.getJson('Patient/p1');

    expect(response.status).toBe(200);
    expect(issued).toEqual(['token-1', 'token-2']);
    expect(events.filter((event) => event.type === 'token-refreshed')).toHaveLength(2);
    expect(events.some((event) => event.type === 'unauthorized')).toBe(false);
  });

  it('gives up with UnauthorizedError when the refreshed token is refused too', async () => {
    const { publicKey, privateJwk } = await smartKeys('RS384');
    const { target, issued } = await smartServer({ publicKey, algorithm: 'RS384', fhirStatus: () => 401 });
    const { fhir, events } = client(target, smartAuth(`${target.origin}/token`, 'RS384', privateJwk));

    const error = await fhir.getJson('Patient/p1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).status).toBe(401);
    expect((error as UnauthorizedError).outcome?.issue[0]?.code).toBe('login');
    expect(issued).toEqual(['token-1', 'token-2']);
    expect(target.requests.filter((request) => request.path === '/fhir/Patient/p1')).toHaveLength(2);
    expect(events).toContainEqual({ type: 'unauthorized', url: `${target.baseUrl}/Patient/p1` });
  });

  it('reports a refusing token endpoint as UnauthorizedError with its error_description', async () => {
    const { publicKey, privateJwk } = await smartKeys('ES384');
    const { target } = await smartServer({
      publicKey,
      algorithm: 'ES384',
      tokenRefusal: {
        status: 400,
        body: { error: 'invalid_scope', error_description: 'scope not granted to client' },
      },
    });
    const { fhir } = client(target, smartAuth(`${target.origin}/token`, 'ES384', privateJwk));

    const error = await fhir.getJson('Patient/p1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).description).toBe('scope not granted to client');
    expect((error as UnauthorizedError).url).toBe(`${target.origin}/token`);
    expect(target.requests.filter((request) => request.path.startsWith('/fhir'))).toHaveLength(0);
  });

  it('does not retry a 401 with a static bearer token (there is nothing to refresh)', async () => {
    server = await startServer((_request, response) => {
      sendJson(response, 401, operationOutcome('login', 'expired'));
    });
    const fhir = new FhirClient({ baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'old' } });
    await expect(fhir.getJson('Patient/p1')).rejects.toBeInstanceOf(UnauthorizedError);
    expect(server.requests).toHaveLength(1);
  });

  it('signs assertions with the configured key id in the JWT header', async () => {
    const { publicKey, privateJwk } = await smartKeys('ES384');
    const { target } = await smartServer({ publicKey, algorithm: 'ES384' });
    await client(target, smartAuth(`${target.origin}/token`, 'ES384', privateJwk)).fhir.getJson('Patient/p1');
    const form = new URLSearchParams(target.requests[0]?.body);
    expect(decodeProtectedHeader(form.get('client_assertion') ?? '')).toMatchObject({
      kid: 'device-042-2025',
    });
  });
});
