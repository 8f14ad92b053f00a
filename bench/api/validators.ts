/**
 * The contenders of the API bench, each set up as its documentation shows for a Microsoft v2
 * access token (RS256, issuer and audience checked, keys from the JWKS URL), and called the way a
 * benchmark harness calls it: a Passport strategy through `Object.create(strategy)` with
 * `success`/`fail`/`error` (what `passport.authenticate` does per request) on a fake request, an
 * Express middleware with a fake request and `next`. Each validation resolves, or rejects when
 * the contender refuses the token.
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { Strategy as PassportStrategy } from 'passport';
import { fromBuild } from '../build.js';
import { API_CLIENT_ID, API_SCOPE } from './shared.js';
import type { ApiContender, ApiSetup } from './shared.js';

/** One validation of `token`; resolves with the user id the contender found. */
export type Validate = (token: string) => Promise<unknown>;

/** A contender ready to validate, or why it cannot run in this build. */
export type Prepared = { validate: Validate } | { skip: string };

/** A bare request carrying the token in the Authorization header. */
export function fakeRequest(token: string): Record<string, unknown> {
  const headers = { authorization: `Bearer ${token}`, host: '127.0.0.1' };
  return {
    headers,
    method: 'GET',
    url: '/api',
    originalUrl: '/api',
    protocol: 'http',
    hostname: '127.0.0.1',
    query: {},
    body: {},
    get: (name: string) => headers[name.toLowerCase() as keyof typeof headers],
    is: () => false,
  };
}

/** A Passport strategy called per request as `passport.authenticate` calls it. */
export function viaPassport(strategy: PassportStrategy, options: object = {}): Validate {
  return (token) =>
    new Promise((resolve, reject) => {
      const attempt = Object.create(strategy) as Record<string, unknown> & {
        authenticate(req: unknown, options: object): void;
      };
      attempt['success'] = (user: unknown) => resolve(user);
      attempt['fail'] = (challenge: unknown, status?: number) =>
        reject(new Error(`fail ${String(status ?? 401)}: ${JSON.stringify(challenge)}`));
      attempt['error'] = (err: unknown) =>
        reject(err instanceof Error ? err : new Error(String(err)));
      attempt['pass'] = () => reject(new Error('pass'));
      attempt['redirect'] = () => reject(new Error('redirect'));
      attempt.authenticate(fakeRequest(token), options);
    });
}

// ---------------------------------------------------------------------------------------------
// "ours": the adapter for this package. It loads MicrosoftAccessTokenVerifier and
// MicrosoftBearerStrategy from the compiled build (dist/, or BENCH_DIST), as published. A build
// without them (before the API half of the package existed) makes these contenders skip.
// ---------------------------------------------------------------------------------------------

interface OursModule {
  MicrosoftAccessTokenVerifier?: new (options: Record<string, unknown>) => {
    verify(token: string, options?: Record<string, unknown>): Promise<{ id: string }>;
  };
  MicrosoftBearerStrategy?: new (options: Record<string, unknown>) => PassportStrategy;
}

/** This package's build, or why it has no API half. */
export function loadOurs(): { module: Required<OursModule> } | { skip: string } {
  const module = fromBuild<OursModule>('index.js');
  const { MicrosoftAccessTokenVerifier, MicrosoftBearerStrategy } = module;
  if (MicrosoftAccessTokenVerifier === undefined || MicrosoftBearerStrategy === undefined)
    return {
      skip: 'this build exports no MicrosoftAccessTokenVerifier/MicrosoftBearerStrategy yet',
    };
  return { module: { MicrosoftAccessTokenVerifier, MicrosoftBearerStrategy } };
}

/** The options "ours" gets: the API, its tenant (the emulator's authority) and its scope. */
export function oursOptions(setup: ApiSetup): Record<string, unknown> {
  return {
    clientID: API_CLIENT_ID,
    authority: setup.authority,
    scopes: [API_SCOPE],
    ...(setup.cacheSize === undefined ? {} : { cacheSize: setup.cacheSize }),
  };
}

/** passport-azure-ad's BearerStrategy for the same API (its metadata only over https). */
export function passportAzureAdStrategy(setup: ApiSetup): PassportStrategy {
  const { BearerStrategy } = require('passport-azure-ad') as typeof import('passport-azure-ad');
  return new BearerStrategy(
    {
      identityMetadata: setup.httpsMetadata,
      clientID: API_CLIENT_ID,
      audience: API_CLIENT_ID,
      validateIssuer: true,
      scope: [API_SCOPE],
      loggingLevel: 'error',
      loggingNoPII: true,
    },
    (token, done) => done(null, token.oid),
  );
}

/** Sets up `contender` against `setup`; `sample` is one of the tokens it will see. */
export async function prepare(
  contender: ApiContender,
  setup: ApiSetup,
  sample: string,
): Promise<Prepared> {
  switch (contender) {
    case 'floor': {
      // The physical floor: the RS256 signature alone, with a KeyObject made once.
      const { keys } = (await (await fetch(setup.jwksUri)).json()) as {
        keys: (JsonWebKey & { kid: string })[];
      };
      const byKid = new Map(keys.map((k) => [k.kid, createPublicKey({ key: k, format: 'jwk' })]));
      const header = JSON.parse(
        Buffer.from(sample.split('.')[0] ?? '', 'base64url').toString(),
      ) as { kid: string };
      const key = byKid.get(header.kid);
      if (key === undefined) throw new Error('floor: the tokens are signed by no published key');
      return {
        validate: (token) => {
          const dot = token.lastIndexOf('.');
          const ok = verifySignature(
            'sha256',
            Buffer.from(token.slice(0, dot)),
            key,
            Buffer.from(token.slice(dot + 1), 'base64url'),
          );
          return ok ? Promise.resolve(true) : Promise.reject(new Error('bad signature'));
        },
      };
    }
    case 'ours-verifier': {
      const ours = loadOurs();
      if ('skip' in ours) return ours;
      const verifier = new ours.module.MicrosoftAccessTokenVerifier(oursOptions(setup));
      return { validate: async (token) => (await verifier.verify(token)).id };
    }
    case 'ours-strategy': {
      const ours = loadOurs();
      if ('skip' in ours) return ours;
      return {
        validate: viaPassport(new ours.module.MicrosoftBearerStrategy(oursOptions(setup)), {
          session: false,
        }),
      };
    }
    case 'jose': {
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      const jwks = createRemoteJWKSet(new URL(setup.jwksUri));
      const options = { issuer: setup.issuer, audience: API_CLIENT_ID, algorithms: ['RS256'] };
      return {
        validate: async (token) => (await jwtVerify(token, jwks, options)).payload['oid'],
      };
    }
    case 'passport-azure-ad':
      return { validate: viaPassport(passportAzureAdStrategy(setup), { session: false }) };
    case 'passport-jwt': {
      const { Strategy, ExtractJwt } = require('passport-jwt') as typeof import('passport-jwt');

      const { passportJwtSecret } = require('jwks-rsa') as typeof import('jwks-rsa');
      const strategy = new Strategy(
        {
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          secretOrKeyProvider: passportJwtSecret({
            jwksUri: setup.jwksUri,
            cache: true,
            rateLimit: true,
          }),
          issuer: setup.issuer,
          audience: API_CLIENT_ID,
          algorithms: ['RS256'],
        },
        (payload: { oid?: string }, done: (err: unknown, user?: unknown) => void) =>
          done(null, payload.oid),
      );
      return { validate: viaPassport(strategy) };
    }
    case 'express-oauth2-jwt-bearer': {
      const { auth } = await import('express-oauth2-jwt-bearer');
      const middleware = auth({
        issuer: setup.issuer,
        jwksUri: setup.jwksUri,
        audience: API_CLIENT_ID,
        tokenSigningAlg: 'RS256',
      });
      return {
        validate: (token) =>
          new Promise((resolve, reject) => {
            const req = fakeRequest(token);
            void middleware(req as never, {} as never, (err?: unknown) => {
              if (err === undefined)
                resolve((req['auth'] as { payload: { oid?: string } }).payload.oid);
              else
                reject(err instanceof Error ? err : new Error('express-oauth2-jwt-bearer refused'));
            });
          }),
      };
    }
  }
}
