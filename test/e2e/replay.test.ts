/**
 * A pending login is consumed atomically: Express + express-session + passport on 127.0.0.1, one
 * login started, and its callback replayed 20 times in parallel with the same session cookie.
 * Each request loads its own copy of the session, so only an atomic take lets exactly one through.
 */
import { expect } from 'chai';
import type { FakeServer } from '../helpers/fake-server.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  TOKEN_ROUTE,
  startFakeMicrosoft,
  tokenResponse,
} from '../helpers/microsoft.js';
import { startApp } from './app.js';
import type { CallbackOutcome, TestApp } from './app.js';

describe('e2e: parallel replays of one callback', () => {
  let server: FakeServer;
  let app: TestApp;

  beforeEach(async () => {
    // A slow token endpoint keeps every replay in flight while the first one redeems the code.
    server = await startFakeMicrosoft({
      [TOKEN_ROUTE]: {
        json: tokenResponse(),
        after: new Promise((resolve) => setTimeout(resolve, 100)),
      },
    });
    app = await startApp({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authority: `${server.url}/common`,
      graphBaseURL: `${server.url}/v1.0`,
      scope: ['User.Read'],
    });
  });
  afterEach(async () => {
    await app.close();
    await server.close();
  });

  it('20 parallel replays of one callback: exactly one reaches the token endpoint', async () => {
    const start = await fetch(`${app.url}/login`, { redirect: 'manual' });
    const location = start.headers.get('location') ?? '';
    const state = new URL(location).searchParams.get('state') ?? '';
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(state).to.not.equal('');
    expect(cookie).to.match(/^connect\.sid=/);

    const callback = `${app.url}/login/callback?code=one-code&state=${encodeURIComponent(state)}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await fetch(callback, { headers: { cookie } });
        return (await res.json()) as CallbackOutcome;
      }),
    );
    expect(server.requestsTo(TOKEN_ROUTE)).to.have.length(1);
    expect(answers.filter((a) => a.action === 'success')).to.have.length(1);
    const refused = answers.filter((a) => a.action === 'fail');
    expect(refused).to.have.length(19);
    for (const r of refused) {
      expect(r.status).to.equal(403);
      expect(String(r.info?.['message'])).to.match(/^Unable to verify authorization request state/);
    }
  });
});
