/**
 * API protection end to end against the emulator: an Express API behind MicrosoftBearerStrategy,
 * called with the tokens the emulator issues: a user token from the code flow for the API scope
 * (v2 and v1 APIs), a token for the API from a refresh token, app-only tokens from client
 * credentials (secret and certificate), and a Graph token sent by mistake.
 */
import { expect } from 'chai';
import express from 'express';
import passport from 'passport';
import request from 'supertest';
import {
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_TENANT_ID,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { appTokens, credentialFixture, userTokens } from '../helpers/api-tokens.js';
import { MicrosoftBearerStrategy } from '../../lib/passport/bearer-strategy.js';
import type { MicrosoftBearerStrategyOptions } from '../../lib/passport/bearer-strategy.js';
import type { MicrosoftAccessToken } from '../../lib/core/access-token/claims.js';

const API_SCOPE = `${DEMO_API.api.applicationIdUri}/Tasks.Read`;
const V1_API = {
  clientID: '0d4e6f80-1a2b-4c3d-8e9f-a0b1c2d3e4f5',
  clientSecret: 'v1-api-secret',
  redirectUris: [],
  name: 'Legacy API',
  api: {
    applicationIdUri: 'api://0d4e6f80-1a2b-4c3d-8e9f-a0b1c2d3e4f5',
    scopes: ['Legacy.Read'],
    appRoles: ['Legacy.Read.All'],
    accessTokenVersion: 1 as const,
  },
};
const CERT_DAEMON = {
  clientID: '7b1d2c3e-4f50-4a61-8b72-9c83d4e5f607',
  certificates: [credentialFixture('app-cert.pem')],
  redirectUris: [],
  appRoles: {
    [DEMO_API.api.applicationIdUri]: ['Tasks.Read.All'],
    [V1_API.api.applicationIdUri]: ['Legacy.Read.All'],
  },
};

describe('API protection against the emulator (e2e)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let authority: string;
  let app: express.Express;

  /** An app-only token from client credentials with the daemon's secret or the certificate. */
  async function appToken(resource: string, by: 'secret' | 'certificate'): Promise<string> {
    const res = await appTokens(
      authority,
      resource,
      by === 'secret'
        ? { clientID: DEMO_DAEMON_CLIENT.clientID, clientSecret: DEMO_DAEMON_CLIENT.clientSecret }
        : {
            clientID: CERT_DAEMON.clientID,
            clientCertificate: {
              privateKey: credentialFixture('app-key.pem'),
              certificate: credentialFixture('app-cert.pem'),
            },
          },
    );
    expect(res).not.to.have.property('refresh_token');
    return res.access_token;
  }

  function protect(name: string, options: Partial<MicrosoftBearerStrategyOptions>) {
    return new MicrosoftBearerStrategy({
      clientID: DEMO_API.clientID,
      authority,
      name,
      ...options,
    });
  }

  before(async () => {
    emulator = await startEmulator({
      clients: [DEFAULT_CLIENT, DEMO_API, DEMO_DAEMON_CLIENT, V1_API, CERT_DAEMON],
    });
    authority = emulator.authority(DEMO_TENANT_ID);
    const p = new passport.Passport();
    p.use(protect('tasks', { scopes: ['Tasks.Read'], appPermissions: ['Tasks.Read.All'] }));
    p.use(protect('tasks-users-only', { scopes: ['Tasks.Read'] }));
    p.use(
      protect('legacy', {
        clientID: V1_API.clientID,
        scopes: ['Legacy.Read'],
        appPermissions: ['Legacy.Read.All'],
      }),
    );
    app = express();
    const answer = (req: express.Request, res: express.Response) => {
      const t = req.user as MicrosoftAccessToken;
      res.json({
        kind: t.kind,
        version: t.version,
        clientAppId: t.clientAppId,
        scopes: t.scopes,
        roles: t.roles,
        tenantId: t.tenantId,
      });
    };
    app.get('/tasks', p.authenticate('tasks', { session: false }), answer);
    app.post(
      '/tasks',
      p.authenticate('tasks', {
        session: false,
        scopes: ['Tasks.Write'],
      } as passport.AuthenticateOptions),
      answer,
    );
    app.get('/users-only', p.authenticate('tasks-users-only', { session: false }), answer);
    app.get('/legacy', p.authenticate('legacy', { session: false }), answer);
  });
  after(() => emulator.close());

  it('takes a v2 user token from the code flow for the API scope', async () => {
    const { tokens } = await userTokens(authority, [API_SCOPE]);
    const res = await request(app)
      .get('/tasks')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({
      kind: 'user',
      version: 2,
      clientAppId: DEFAULT_CLIENT.clientID,
      tenantId: DEMO_TENANT_ID,
    });
    expect(res.body.scopes).to.include('Tasks.Read');
  });

  it('takes a v1 user token of an API that accepts v1 tokens (issuer from the v1 metadata)', async () => {
    const { tokens } = await userTokens(authority, [`${V1_API.api.applicationIdUri}/Legacy.Read`]);
    const res = await request(app)
      .get('/legacy')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({
      kind: 'user',
      version: 1,
      clientAppId: DEFAULT_CLIENT.clientID,
    });
  });

  it('takes a token for the API redeemed from the login refresh token', async () => {
    const { tokens, signIn } = await userTokens(authority, ['User.Read']);
    const refreshed = await signIn.refresh(tokens.refresh_token ?? '', { scope: [API_SCOPE] });
    const res = await request(app)
      .get('/tasks')
      .set('Authorization', `Bearer ${refreshed.accessToken}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ kind: 'user' });
  });

  it('answers 403 insufficient_scope with scope= when the route needs a scope the token lacks', async () => {
    const { tokens } = await userTokens(authority, [API_SCOPE]);
    const res = await request(app)
      .post('/tasks')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(403);
    expect(res.headers['www-authenticate']).to.match(
      /^Bearer error="insufficient_scope", error_description="[^"]+", scope="Tasks.Write"$/,
    );
  });

  for (const by of ['secret', 'certificate'] as const)
    it(`takes an app-only token from client credentials (${by}) with the app permission`, async () => {
      const token = await appToken(DEMO_API.api.applicationIdUri, by);
      const res = await request(app).get('/tasks').set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({
        kind: 'app',
        version: 2,
        roles: ['Tasks.Read.All'],
        scopes: [],
      });
    });

  it('takes a v1 app-only token (certificate) of the v1 API', async () => {
    const token = await appToken(V1_API.api.applicationIdUri, 'certificate');
    const res = await request(app).get('/legacy').set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({
      kind: 'app',
      version: 1,
      clientAppId: CERT_DAEMON.clientID,
    });
  });

  it('refuses an app-only token where no appPermissions are set (403)', async () => {
    const token = await appToken(DEMO_API.api.applicationIdUri, 'secret');
    const res = await request(app).get('/users-only').set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(403);
    expect(String(res.headers['www-authenticate'])).to.contain('app-only tokens are not accepted');
  });

  it('refuses a Microsoft Graph token sent by mistake with graph_token (401)', async () => {
    const { tokens } = await userTokens(authority, ['User.Read']);
    const res = await request(app)
      .get('/tasks')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(401);
    const challenge = String(res.headers['www-authenticate']);
    expect(challenge).to.match(/^Bearer error="invalid_token", error_description="graph_token: /);
    expect(challenge).to.contain(`api://${DEMO_API.clientID}/.default`);
    expect(challenge + res.text).not.to.contain(tokens.access_token);
  });

  it('refuses a token for another API (audience)', async () => {
    const { tokens } = await userTokens(authority, [`${V1_API.api.applicationIdUri}/Legacy.Read`]);
    const res = await request(app)
      .get('/tasks')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(401);
    expect(String(res.headers['www-authenticate'])).to.contain('error_description="audience: ');
  });
});
