/**
 * Two instances of the sample app behind one public URL (a load balancer): with a shared Redis
 * session store a sign-in started on instance A finishes on instance B; with the default memory
 * store it cannot, and the user sees why.
 */
import { expect } from 'chai';
import { createClient } from 'redis';
import { startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { openSessionStore } from '../../example/session-store.js';
import type { SessionStore } from '../../example/session-store.js';
import { rejectionOf } from '../helpers/errors.js';
import { signIn, TestBrowser } from '../helpers/browser.js';
import { byId, csrfField, startApp } from './helpers.js';
import type { RunningApp } from './helpers.js';
import { haveRedisServer, REDIS_SERVER, startRedisServer } from './redis-server.js';
import type { RedisServer } from './redis-server.js';

/** The address browsers use; the test routes each request to instance A or B itself. */
const PUBLIC = 'http://localhost:8080';

describe('sample app: two instances', function () {
  this.timeout(30_000);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.close();
  });

  describe('sharing a Redis session store', function () {
    let redis: RedisServer | undefined;
    let storeA: SessionStore | undefined;
    let storeB: SessionStore | undefined;
    let a: RunningApp | undefined;
    let b: RunningApp | undefined;

    before(async function () {
      if (!haveRedisServer()) {
        const message = `${REDIS_SERVER} not found: install it with "apt-get install -y redis-server" (.ci/run does)`;
        if (process.env['CI']) throw new Error(message);
        console.warn(`      skipped: ${message}`);
        this.skip();
      }
      redis = await startRedisServer();
      storeA = await openSessionStore(redis.url);
      storeB = await openSessionStore(redis.url);
      a = await startApp(emulator, {
        baseURL: PUBLIC,
        ...(storeA.store ? { sessionStore: storeA.store } : {}),
      });
      b = await startApp(emulator, {
        baseURL: PUBLIC,
        ...(storeB.store ? { sessionStore: storeB.store } : {}),
      });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await storeA?.close();
      await storeB?.close();
      await redis?.stop();
    });

    it('a sign-in begun on instance A finishes on instance B, and both see the signed-in user', async () => {
      if (!a || !b) throw new Error('instances not started');
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const trace = await signIn(browser, 'personal', '/login', b.url);
      expect(trace.callbackURL.startsWith(`${PUBLIC}/login/callback?code=`)).to.equal(true);
      expect(trace.callback.status).to.equal(303);
      expect(trace.callback.location).to.equal('/profile');

      for (const instance of [a, b]) {
        browser.via = instance.url;
        const page = await browser.get('/profile');
        expect(page.status, instance.url).to.equal(200);
        expect(byId(page.body, 'display-name')).to.equal('Avery Howard');
        expect(byId(page.body, 'email')).to.equal('avery.howard@outlook.com');
      }
    });

    it('Redis holds the profile, and the refresh token only sealed (no token in clear)', async () => {
      if (!redis || !a) throw new Error('redis not started');
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      await signIn(browser, 'work', '/login', b?.url);
      // The API page redeems the sealed refresh token sealed by B on A: both derive one key.
      const call = await browser.get('/tasks?call=read');
      expect(byId(call.body, 'api-status')).to.equal('200');
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const keys = await client.keys('msa-sample:sess:*');
        expect(keys.length).to.be.greaterThan(0);
        const values = await Promise.all(keys.map((k) => client.get(k)));
        const all = values.join('\n');
        expect(all).to.include('Adele Vance');
        expect(all).to.match(/"apiTokens":"v1\.[\w-]+\.[\w-]{100,}\.[\w-]+"/);
        // Token shapes are case-sensitive prefixes (a random session value could otherwise match
        // them case-insensitively); field names are matched in any case.
        const tokenShape = /EwB[A-Za-z0-9_-]{40}|eyJ[A-Za-z0-9_-]{10,}\.|M\.C5_|1\.AX_/.exec(all);
        expect(tokenShape?.[0], 'a token-shaped value in the session').to.equal(undefined);
        const tokenField = /access_?token|refresh_?token/i.exec(all);
        expect(tokenField?.[0], 'a token field in the session').to.equal(undefined);
      } finally {
        await client.close();
      }
    });

    it('signing out on B ends the session on A too', async () => {
      if (!a || !b) throw new Error('instances not started');
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      await signIn(browser, 'guest', '/login', b.url);
      browser.via = a.url;
      const token = csrfField((await browser.get('/profile')).body);
      const sid = browser.cookies.get('sid') ?? '';
      browser.via = b.url;
      const out = await browser.post('/logout', { _csrf: token });
      expect(out.status).to.equal(303);
      browser.cookies.set('sid', sid);
      browser.via = a.url;
      expect((await browser.get('/profile')).status).to.equal(303);
    });

    it('a Redis URL nobody answers at stops the start with a clear message', async () => {
      const closed = (redis?.url ?? 'redis://127.0.0.1:6379').replace(/:\d+$/, ':1');
      const err = await rejectionOf(openSessionStore(closed, () => undefined));
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(
        /^Could not connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\. Check REDIS_URL and that Redis is running\.$/,
      );
    });
  });

  describe('each with its own memory store (the default)', () => {
    let a: RunningApp | undefined;
    let b: RunningApp | undefined;

    before(async () => {
      a = await startApp(emulator, { baseURL: PUBLIC });
      b = await startApp(emulator, { baseURL: PUBLIC });
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    it('a sign-in begun on A and finished on B fails: 403, state cannot be verified, with a hint about the shared store', async () => {
      if (!a || !b) throw new Error('instances not started');
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const trace = await signIn(browser, 'personal', '/login', b.url);
      expect(trace.callback.status).to.equal(403);
      expect(trace.callback.body).to.include('<h1>Sign-in failed</h1>');
      expect(byId(trace.callback.body, 'error-message')).to.equal(
        'Unable to verify authorization request state: no pending sign-in matches it (it expired, was already used, or the session cookie did not come back)',
      );
      expect(trace.callback.body).to.include('every instance of the app shares one session store');
      expect(b.logs.at(-1)).to.match(
        /^sign-in failed \(403\): Unable to verify authorization request state/,
      );
      // Not signed in anywhere.
      for (const instance of [a, b]) {
        browser.via = instance.url;
        expect((await browser.get('/profile')).status).to.equal(303);
      }
    });

    it('the same sign-in finished on A (where it began) works', async () => {
      if (!a) throw new Error('instance not started');
      const browser = new TestBrowser(PUBLIC);
      browser.via = a.url;
      const trace = await signIn(browser, 'personal', '/login', a.url);
      expect(trace.callback.status).to.equal(303);
      expect((await browser.get('/profile')).status).to.equal(200);
    });
  });
});
