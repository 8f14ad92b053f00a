/**
 * A timeout beyond what a Node timer can hold (2^31 - 1 ms) still means "wait that long", not
 * "give up at once".
 */
import { expect } from 'chai';
import { Strategy } from '../../lib/passport/strategy.js';
import { startFakeServer } from '../helpers/fake-server.js';
import type { FakeServer } from '../helpers/fake-server.js';

describe('a very long timeout', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer();
  });
  after(async () => {
    await server.close();
  });

  it('a token request answered a moment later succeeds', async () => {
    server.route('POST /common/oauth2/v2.0/token', () => ({
      after: new Promise((resolve) => setTimeout(resolve, 50)),
      json: { token_type: 'Bearer', access_token: 'at-1', expires_in: 3599 },
    }));
    const strategy = new Strategy(
      {
        clientID: 'client',
        clientSecret: 'secret',
        callbackURL: 'http://127.0.0.1/cb',
        authority: `${server.url}/common`,
        scope: ['User.Read'],
        timeout: 2 ** 31,
      },
      (_a: string, _r: string | undefined, _p: unknown, done) => done(null, false),
    );
    const tokens = await strategy.refresh('rt-1', { scope: ['User.Read'] });
    expect(tokens.accessToken).to.equal('at-1');
  });
});
