/**
 * The sample app's API half against the emulator: `/api/tasks` behind MicrosoftBearerStrategy, the
 * `/tasks` page that calls it with the signed-in user's token for the API (redeemed from the
 * login's refresh token), the 403 for a scope the token lacks, the API settings, and the daemon
 * (`npm run daemon`, example/daemon.ts) run as a process against a running sample and emulator.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import {
  CONSUMER_TENANT_ID,
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_TENANT_ID,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { seal, unseal } from '../../example/api.js';
import { ConfigError, readEnv } from '../../example/config.js';
import type { AppConfig } from '../../example/config.js';
import { TestBrowser, signIn } from '../helpers/browser.js';
import { ROOT } from '../docs/markdown.js';
import { byId, startApp } from './helpers.js';
import type { RunningApp } from './helpers.js';

const ID = '3f8a1c52-7d0e-4b9a-a6c1-2e5f9b8d7c40';
const API_ID = '0b6e2d4f-9a1c-4e3b-8d7f-5c2a1e0b9d86';
const MICROSOFT = { MICROSOFT_CLIENT_ID: ID, MICROSOFT_CLIENT_SECRET: 'a-secret~value' };
/** A JWT's first characters: no page or output may carry one. */
const JWT = /eyJ[A-Za-z0-9_-]{10,}/;

describe('sample app API', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let app: RunningApp;

  before(async () => {
    emulator = await startEmulator();
    app = await startApp(emulator);
  });
  after(async () => {
    await app?.close();
    await emulator?.close();
  });

  async function signedIn(account: string): Promise<TestBrowser> {
    const browser = new TestBrowser(app.baseURL);
    const trace = await signIn(browser, account);
    expect(trace.callback.status, trace.callback.body).to.equal(303);
    return browser;
  }

  describe('GET /api/tasks', () => {
    it('without a token: 401 with a bare Bearer challenge, and no session cookie', async () => {
      const res = await new TestBrowser(app.baseURL).get('/api/tasks');
      expect(res.status).to.equal(401);
      expect(res.headers['www-authenticate']).to.equal('Bearer');
      expect(res.setCookie).to.deep.equal([]);
    });

    it('with a token that is not Microsoft’s: 401 invalid_token with its reason', async () => {
      const res = await new TestBrowser(app.baseURL, {
        authorization: 'Bearer not.a-jwt.at-all',
      }).get('/api/tasks');
      expect(res.status).to.equal(401);
      expect(res.headers['www-authenticate']).to.match(
        /^Bearer error="invalid_token", error_description="[^"]+"$/,
      );
    });

    it('a signed-in browser’s cookie is no credential for the API', async () => {
      const browser = await signedIn('work');
      const res = await browser.get('/api/tasks');
      expect(res.status).to.equal(401);
    });
  });

  describe('the /tasks page', () => {
    it('sends a signed-out visitor to sign in first, coming back to /tasks', async () => {
      const res = await new TestBrowser(app.baseURL).get('/tasks');
      expect(res.status).to.equal(303);
      expect(res.location).to.equal('/login?returnTo=%2Ftasks');
    });

    for (const [account, tenantId] of [
      ['work', DEMO_TENANT_ID],
      ['personal', CONSUMER_TENANT_ID],
    ] as const) {
      it(`${account} account: GET /api/tasks answers 200 to the user's token for the API`, async () => {
        const browser = await signedIn(account);
        const page = await browser.get('/tasks');
        expect(page.status).to.equal(200);
        expect(byId(page.body, 'api-scope-requested')).to.equal(
          `${DEMO_API.api.applicationIdUri}/Tasks.Read`,
        );
        const before = emulator.requestLog('token').length;
        const res = await browser.get('/tasks?call=read');
        expect(res.status).to.equal(200);
        expect(byId(res.body, 'api-status')).to.equal('200');
        const body = /<pre id="api-body">([\s\S]*?)<\/pre>/.exec(res.body)?.[1] ?? '';
        const answer = JSON.parse(body.replace(/&quot;/g, '"')) as {
          caller: Record<string, unknown>;
          tasks: unknown[];
        };
        expect(answer.caller).to.include({
          kind: 'user',
          tenantId,
          clientAppId: DEFAULT_CLIENT.clientID,
          version: 2,
        });
        expect(answer.caller['scopes']).to.deep.equal(['Tasks.Read']);
        expect(answer.tasks).to.have.length(3);
        // One refresh-token redemption for the API; the second call reuses the API token.
        const [redeem] = emulator.requestLog('token').slice(before);
        expect(redeem?.form.get('grant_type')).to.equal('refresh_token');
        expect(redeem?.form.get('scope')).to.equal(
          `${DEMO_API.api.applicationIdUri}/Tasks.Read offline_access`,
        );
        const again = await browser.get('/tasks?call=read');
        expect(byId(again.body, 'api-status')).to.equal('200');
        expect(emulator.requestLog('token').length).to.equal(before + 1);
        expect(res.body).not.to.match(JWT);
        expect([...browser.cookies.values()].join(';')).not.to.match(JWT);
      });
    }

    it('POST /api/tasks needs Tasks.Write: the page shows the 403 and its reason', async () => {
      const browser = await signedIn('work');
      const res = await browser.get('/tasks?call=write');
      expect(byId(res.body, 'api-status')).to.equal('403');
      expect(byId(res.body, 'api-error')).to.equal('insufficient_scope');
      expect(byId(res.body, 'api-scope')).to.equal('Tasks.Write');
      expect(byId(res.body, 'api-error-description')).to.match(/Tasks\.Write/);
      expect(byId(res.body, 'api-challenge')).to.match(/^Bearer error="insufficient_scope"/);
      expect(res.body).not.to.match(JWT);
    });
  });

  describe('the sealed tokens in the session', () => {
    const config = { sessionSecret: 's'.repeat(40) } as AppConfig;
    const tokens = { refreshToken: 'refresh-1', accessToken: 'access-1', expiresAt: 1 };

    it('open for the same user and secret, and show no token in clear', () => {
      const sealed = seal(config, 'user-a', tokens);
      expect(sealed).not.to.include('refresh-1');
      expect(unseal(config, 'user-a', sealed)).to.deep.equal(tokens);
    });

    it('do not open for another user, another secret, or once altered', () => {
      const sealed = seal(config, 'user-a', tokens);
      expect(unseal(config, 'user-b', sealed)).to.equal(undefined);
      expect(unseal({ sessionSecret: 't'.repeat(40) } as AppConfig, 'user-a', sealed)).to.equal(
        undefined,
      );
      const parts = sealed.split('.');
      const body = parts[2] ?? '';
      parts[2] = `${body.slice(0, -2)}${body.endsWith('AA') ? 'BA' : 'AA'}`;
      expect(unseal(config, 'user-a', parts.join('.'))).to.equal(undefined);
      expect(unseal(config, 'user-a', 'v1.not-sealed')).to.equal(undefined);
      expect(unseal(config, 'user-a', 'eyJ.x.y.z')).to.equal(undefined);
    });
  });

  describe('settings', () => {
    it('defaults to the app’s own registration as the API, scope api://<id>/Tasks.Read', () => {
      expect(readEnv(MICROSOFT).api).to.deep.equal({
        clientID: ID,
        scope: `api://${ID}/Tasks.Read`,
      });
      expect(
        readEnv({ ...MICROSOFT, MICROSOFT_API_CLIENT_ID: API_ID, MICROSOFT_API_SCOPE: undefined })
          .api,
      ).to.deep.equal({ clientID: API_ID, scope: `api://${API_ID}/Tasks.Read` });
      expect(
        readEnv({ ...MICROSOFT, MICROSOFT_API_SCOPE: 'https://contoso.com/tasks/Tasks.Read' }).api,
      ).to.deep.equal({ clientID: ID, scope: 'https://contoso.com/tasks/Tasks.Read' });
    });

    for (const [label, env, message] of [
      [
        'an API id that is not a GUID',
        { ...MICROSOFT, MICROSOFT_API_CLIENT_ID: 'tasks-api' },
        /MICROSOFT_API_CLIENT_ID must be/,
      ],
      [
        'a scope without its API',
        { ...MICROSOFT, MICROSOFT_API_SCOPE: 'Tasks.Read' },
        /MICROSOFT_API_SCOPE must be one scope/,
      ],
      [
        'API settings against the emulator',
        { MICROSOFT_API_CLIENT_ID: API_ID },
        /apply with MICROSOFT_CLIENT_ID/,
      ],
    ] as const) {
      it(`refuses ${label} with a ConfigError naming the variable`, () => {
        expect(() => readEnv(env)).to.throw(ConfigError, message);
      });
    }
  });

  describe('npm run daemon (example/daemon.ts)', () => {
    async function daemon(
      env: Record<string, string>,
    ): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'example/daemon.ts'], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      return { code, stdout, stderr };
    }

    it('gets an app-only token with client credentials and calls the API, printing the answer', async () => {
      const apiURL = `${app.url}/api/tasks`;
      const before = emulator.requestLog('token').length;
      const run = await daemon({ EMULATOR_URL: emulator.url, API_URL: apiURL });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include(
        `Token: app-only, client ${DEMO_DAEMON_CLIENT.clientID}, scope ${DEMO_API.api.applicationIdUri}/.default`,
      );
      expect(run.stdout).to.include(`GET ${apiURL}: 200`);
      const json = run.stdout.slice(run.stdout.indexOf('{'));
      const answer = JSON.parse(json) as { caller: Record<string, unknown> };
      expect(answer.caller).to.include({
        kind: 'app',
        tenantId: DEMO_TENANT_ID,
        clientAppId: DEMO_DAEMON_CLIENT.clientID,
      });
      expect(answer.caller['roles']).to.deep.equal(['Tasks.Read.All']);
      expect(answer.caller['scopes']).to.deep.equal([]);
      const [grant] = emulator.requestLog('token').slice(before);
      expect(grant?.form.get('grant_type')).to.equal('client_credentials');
      expect(run.stdout + run.stderr).not.to.match(JWT);
    });

    it('prints the API’s refusal and exits 1 when the API does not take its token', async () => {
      // This instance's API is another one (the app's own registration): the demo API's token is
      // not for it.
      const other = await startApp(emulator, {
        api: {
          clientID: DEFAULT_CLIENT.clientID,
          scope: `api://${DEFAULT_CLIENT.clientID}/Tasks.Read`,
        },
      });
      try {
        const run = await daemon({ EMULATOR_URL: emulator.url, API_URL: `${other.url}/api/tasks` });
        expect(run.code).to.equal(1);
        expect(run.stdout).to.include(`GET ${other.url}/api/tasks: 401`);
        expect(run.stdout).to.match(
          /WWW-Authenticate: Bearer error="invalid_token", error_description="[^"]*audience/i,
        );
        expect(run.stdout).not.to.match(JWT);
      } finally {
        await other.close();
      }
    });

    it('without EMULATOR_URL or Microsoft settings: exits 1 saying what to set', async () => {
      const run = await daemon({ API_URL: `${app.url}/api/tasks` });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('EMULATOR_URL is not set');
      expect(run.stderr).not.to.match(/\n\s+at /);
    });
  });
});
