/**
 * End to end against the emulator: certificate and federated client credentials, Entra External
 * ID and Azure AD B2C authorities read from their discovery documents, and a tenant per login.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { expect } from 'chai';
import {
  B2C_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_TENANT_ID,
  EXTERNAL_ID_TENANT_ID,
  FEDERATED_AUDIENCE,
  completeLogin,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { MicrosoftSignIn } from '../../lib/core/sign-in.js';
import type { AuthorizationRequestOptions } from '../../lib/core/sign-in-types.js';
import { readDiscovery } from '../../lib/clients/discovery.js';
import {
  MicrosoftIdTokenError,
  MicrosoftHttpError,
  MicrosoftTokenError,
} from '../../lib/errors.js';
import type { SignInOptions } from '../../lib/config/options.js';
import { authenticate, expectRedirect, fakeRequest } from '../helpers/passport.js';
import { Strategy } from '../../lib/passport/strategy.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/credentials/${name}`, `file://${__filename}`), 'utf8');
const APP_KEY = fixture('app-key.pem');
const APP_CERT = fixture('app-cert.pem');
const FEDERATED_KEY = fixture('federated-issuer-key.pem');
const FEDERATED_PUBLIC = fixture('federated-issuer-public.pem');
const FEDERATED_ISSUER = 'https://token.actions.githubusercontent.com';
const FEDERATED_SUBJECT = 'repo:contoso/app:ref:refs/heads/main';
const CERT_APP = '7b1d2c3e-4f50-4a61-8b72-9c83d4e5f607';
const FED_APP = '8c2e3d4f-5a61-4b72-9c83-ad94e5f60718';
const CALLBACK = 'http://127.0.0.1/login/callback';

function federatedAssertion(lifetimeSeconds = 300): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'gh-1' })}.${b64({
    iss: FEDERATED_ISSUER,
    sub: FEDERATED_SUBJECT,
    aud: FEDERATED_AUDIENCE,
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + lifetimeSeconds,
  })}`;
  const signature = sign('sha256', Buffer.from(input), createPrivateKey(FEDERATED_KEY));
  return `${input}.${signature.toString('base64url')}`;
}

async function login(
  signIn: MicrosoftSignIn,
  account: string,
  options: AuthorizationRequestOptions = {},
): Promise<Awaited<ReturnType<MicrosoftSignIn['callback']>>> {
  const { url, pendingLogin } = await signIn.authorizationRequest(options);
  const answer = await completeLogin(url, account);
  if (answer.kind !== 'redirect') throw new Error(`expected a redirect, got ${answer.kind}`);
  return signIn.callback(new URL(answer.location).searchParams, pendingLogin);
}

describe('e2e: client credentials and customer authorities against the emulator', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({
      clients: [
        DEFAULT_CLIENT,
        { clientID: CERT_APP, certificates: [APP_CERT], redirectUris: [CALLBACK] },
        {
          clientID: FED_APP,
          federatedCredentials: [
            { issuer: FEDERATED_ISSUER, subject: FEDERATED_SUBJECT, publicKey: FEDERATED_PUBLIC },
          ],
          redirectUris: [CALLBACK],
        },
      ],
    });
  });
  after(() => emulator.close());
  afterEach(() => emulator.clearFaults());

  const base = (extra: Partial<SignInOptions>): SignInOptions => ({
    clientID: DEFAULT_CLIENT.clientID,
    callbackURL: CALLBACK,
    authority: emulator.authority('common'),
    graphBaseURL: emulator.graphBaseURL,
    ...extra,
  });

  describe('client certificate', () => {
    it('signs in and refreshes with a certificate assertion (PS256 and RS256)', async () => {
      for (const algorithm of ['PS256', 'RS256'] as const) {
        const signIn = new MicrosoftSignIn(
          base({
            clientID: CERT_APP,
            clientCertificate: { privateKey: APP_KEY, certificate: APP_CERT, algorithm },
          }),
        );
        const { profile, tokens } = await login(signIn, 'work');
        expect(profile?.tenantId).to.equal(DEMO_TENANT_ID);
        expect(tokens.refresh_token).to.be.a('string');
        const refreshed = await signIn.refresh(tokens.refresh_token as string);
        expect(refreshed.accessToken).to.be.a('string');
        expect(refreshed.claims?.tid).to.equal(DEMO_TENANT_ID);
      }
    });

    it('is refused with AADSTS700027 when the certificate is not the registered one', async () => {
      const other = fixture('federated-issuer-key.pem');
      const signIn = new MicrosoftSignIn(
        base({
          clientID: CERT_APP,
          clientCertificate: { privateKey: other, certificate: APP_CERT },
        }),
      );
      const err = await login(signIn, 'work').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MicrosoftTokenError);
      expect((err as MicrosoftTokenError).errorCodes).to.deep.equal([700027]);
      expect((err as MicrosoftTokenError).code).to.equal('invalid_client');
      expect(String((err as Error).message)).not.to.include('PRIVATE KEY');
      expect(JSON.stringify(err)).not.to.include(other.split('\n')[1]);
    });
  });

  describe('federated credential', () => {
    it('signs in with the assertion the callback returns', async () => {
      let calls = 0;
      const signIn = new MicrosoftSignIn(
        base({
          clientID: FED_APP,
          clientAssertion: () => {
            calls++;
            return federatedAssertion();
          },
        }),
      );
      const { profile, tokens } = await login(signIn, 'work');
      expect(profile?.tenantId).to.equal(DEMO_TENANT_ID);
      await signIn.refresh(tokens.refresh_token as string);
      expect(calls).to.equal(2);
    });

    it('reuses an assertion returned with expiresAt', async () => {
      let calls = 0;
      const signIn = new MicrosoftSignIn(
        base({
          clientID: FED_APP,
          clientAssertion: () => {
            calls++;
            return { assertion: federatedAssertion(), expiresAt: Date.now() + 300_000 };
          },
        }),
      );
      const { tokens } = await login(signIn, 'work');
      await signIn.refresh(tokens.refresh_token as string);
      expect(calls).to.equal(1);
    });

    it('is refused with AADSTS700024 when the assertion lives longer than 10 minutes', async () => {
      const signIn = new MicrosoftSignIn(
        base({ clientID: FED_APP, clientAssertion: () => federatedAssertion(3600) }),
      );
      const err = await login(signIn, 'work').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MicrosoftTokenError);
      expect((err as MicrosoftTokenError).errorCodes).to.deep.equal([700024]);
    });
  });

  describe('Entra External ID', () => {
    it('reads the discovery document and accepts the ciamlogin-style issuer', async () => {
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority: emulator.externalIdAuthority(),
        }),
      );
      const { claims, profile } = await login(signIn, 'work');
      const port = new URL(emulator.url).port;
      expect(claims?.iss).to.equal(
        `http://${EXTERNAL_ID_TENANT_ID}.ciamlogin.localhost:${port}/${EXTERNAL_ID_TENANT_ID}/v2.0`,
      );
      expect(profile?.accountType).to.equal('customer');
      expect(profile?.tenantId).to.equal(EXTERNAL_ID_TENANT_ID);
      expect(profile?.graphId).to.be.a('string');
      expect(emulator.requests('discovery')).to.be.greaterThan(0);
    });

    it('reads the discovery document once for many logins', async () => {
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority: emulator.externalIdAuthority(),
        }),
      );
      emulator.resetCounts();
      await login(signIn, 'work');
      await login(signIn, 'personal');
      expect(emulator.requests('discovery')).to.equal(1);
    });

    it('fails the login with a MicrosoftHttpError when the discovery document is not JSON', async () => {
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority: emulator.externalIdAuthority(),
        }),
      );
      emulator.setFault('discovery', { type: 'html' }, { times: 1 });
      const err = await signIn.authorizationRequest().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MicrosoftHttpError);
      expect((err as MicrosoftHttpError).endpoint).to.equal('discovery');
      // A failed read is forgotten: the next login reads the document again.
      expect((await signIn.authorizationRequest()).url).to.match(/\/ciam\//);
    });

    it('fails the login with a MicrosoftHttpError timeout when discovery hangs', async () => {
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority: emulator.externalIdAuthority(),
          timeout: 200,
        }),
      );
      emulator.setFault('discovery', { type: 'hang' }, { times: 1 });
      const err = await signIn.authorizationRequest().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MicrosoftHttpError);
      expect((err as MicrosoftHttpError).code).to.equal('timeout');
    });
  });

  describe('Azure AD B2C', () => {
    it('signs in with the policy, the profile from the claims (emails, tfp)', async () => {
      const authority = emulator.b2cAuthority().replace(/\/B2C_1_signupsignin$/, '');
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority,
          policy: 'B2C_1_signupsignin',
        }),
      );
      expect(signIn.config.authorityKind).to.equal('b2c');
      expect(signIn.config.profileSource).to.equal('id_token');
      const { claims, profile } = await login(signIn, 'work');
      const port = new URL(emulator.url).port;
      expect(claims?.iss).to.equal(`http://b2clogin.localhost:${port}/${B2C_TENANT_ID}/v2.0/`);
      expect((claims as unknown as { tfp: string }).tfp).to.equal('B2C_1_signupsignin');
      expect(profile?.accountType).to.equal('customer');
      expect(profile?.emails?.[0]?.value).to.be.a('string');
      expect(profile?.graphId).to.equal(undefined);
    });

    it('reads a loopback authority with the policy in its path from discovery too', async () => {
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority: emulator.b2cAuthority(),
          profileSource: 'id_token',
        }),
      );
      expect(signIn.config.authorityKind).to.equal('custom');
      const { claims } = await login(signIn, 'work');
      expect((claims as unknown as { tfp: string }).tfp).to.equal('B2C_1_signupsignin');
    });

    it('takes another policy as an option', async () => {
      const authority = emulator.b2cAuthority().replace(/\/B2C_1_signupsignin$/, '');
      const signIn = new MicrosoftSignIn(
        base({
          clientSecret: DEFAULT_CLIENT.clientSecret,
          authority,
          policy: 'B2C_1_profileedit',
        }),
      );
      const { claims } = await login(signIn, 'personal');
      expect((claims as unknown as { tfp: string }).tfp).to.equal('B2C_1_profileedit');
      expect(signIn.logoutUrl()).to.equal(`${authority}/B2C_1_profileedit/oauth2/v2.0/logout`);
    });
  });

  describe('a tenant per login', () => {
    it('sends the login to the named tenant and expects its issuer', async () => {
      const signIn = new MicrosoftSignIn(base({ clientSecret: DEFAULT_CLIENT.clientSecret }));
      const { url, pendingLogin } = await signIn.authorizationRequest({
        tenant: 'contoso.onmicrosoft.com',
      });
      expect(new URL(url).pathname).to.equal('/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
      expect(pendingLogin.tenant).to.equal('contoso.onmicrosoft.com');
      const answer = await completeLogin(url, 'work');
      if (answer.kind !== 'redirect') throw new Error(answer.kind);
      const { claims } = await signIn.callback(new URL(answer.location).searchParams, pendingLogin);
      expect(claims?.tid).to.equal(DEMO_TENANT_ID);
    });

    it('takes the tenant from the pending login, not from the callback query', async () => {
      const signIn = new MicrosoftSignIn(base({ clientSecret: DEFAULT_CLIENT.clientSecret }));
      const { url, pendingLogin } = await signIn.authorizationRequest({ tenant: DEMO_TENANT_ID });
      const answer = await completeLogin(url, 'work');
      if (answer.kind !== 'redirect') throw new Error(answer.kind);
      const query = new URL(answer.location).searchParams;
      query.set('tenant', 'consumers');
      const { claims } = await signIn.callback(query, pendingLogin);
      expect(claims?.tid).to.equal(DEMO_TENANT_ID);
    });

    it('refuses a token from another tenant than the login named (issuer)', async () => {
      const signIn = new MicrosoftSignIn(base({ clientSecret: DEFAULT_CLIENT.clientSecret }));
      const { url, pendingLogin } = await signIn.authorizationRequest({ tenant: DEMO_TENANT_ID });
      const answer = await completeLogin(url, 'work');
      if (answer.kind !== 'redirect') throw new Error(answer.kind);
      const tampered = { ...pendingLogin, tenant: '00000000-0000-0000-0000-0000000000ab' };
      const err = await signIn
        .callback(new URL(answer.location).searchParams, tampered)
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(Error);
      expect(err).not.to.be.instanceOf(TypeError);
    });

    it('works through passport.authenticate("microsoft", { tenant })', async () => {
      const strategy = new Strategy(
        {
          ...base({ clientSecret: DEFAULT_CLIENT.clientSecret }),
          clientSecret: DEFAULT_CLIENT.clientSecret,
          callbackURL: CALLBACK,
        },
        (_a, _r, profile, done) => done(null, { tid: profile.tenantId }),
      );
      const session: Record<string, unknown> = {};
      const start = expectRedirect(
        await authenticate(strategy, fakeRequest({ url: '/login', session }), {
          tenant: DEMO_TENANT_ID,
        }),
      );
      expect(new URL(start.url).pathname).to.equal(`/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`);
      const answer = await completeLogin(start.url, 'work');
      if (answer.kind !== 'redirect') throw new Error(answer.kind);
      const back = new URL(answer.location);
      const outcome = await authenticate(
        strategy,
        fakeRequest({ url: `${back.pathname}${back.search}`, session }),
      );
      expect(outcome).to.deep.include({ action: 'success' });
    });
  });

  it('refuses an External ID discovery issuer that does not fit the authority (MicrosoftIdTokenError)', async () => {
    expect(() =>
      readDiscovery(
        {
          issuer: 'https://login.microsoftonline.com/common/v2.0',
          authorization_endpoint: 'https://x.ciamlogin.com/a',
          token_endpoint: 'https://x.ciamlogin.com/t',
          jwks_uri: 'https://x.ciamlogin.com/k',
        },
        {
          kind: 'external-id',
          authority: 'https://x.ciamlogin.com/x.onmicrosoft.com',
          tenant: 'x.onmicrosoft.com',
          url: 'https://x.ciamlogin.com/x.onmicrosoft.com/v2.0/.well-known/openid-configuration',
        },
      ),
    ).to.throw(MicrosoftIdTokenError);
  });
});
