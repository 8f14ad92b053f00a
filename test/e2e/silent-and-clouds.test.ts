/**
 * Against the emulator, end to end: silent sign-in (`prompt: 'none'`), a US Gov cloud login
 * whose key set names the US Gov login host, and the emulator's own guards (loopback binds only,
 * DNS rebinding).
 */
import { expect } from 'chai';
import http from 'node:http';
import { DEFAULT_CLIENT, DEMO_TENANT_ID, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import { demoUser, loginThroughEmulator } from '../helpers/emulator.js';
import { rejectionOf } from '../helpers/errors.js';
import { expectFail, expectSuccess } from '../helpers/passport.js';

const CALLBACK_URL = 'http://127.0.0.1:3000/login/callback';
const US_GOV = 'https://login.microsoftonline.us';

function strategyFor(emulator: Emulator, extra: Partial<StrategyOptions> = {}): Strategy {
  return new Strategy(
    {
      clientID: DEFAULT_CLIENT.clientID,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      callbackURL: CALLBACK_URL,
      authority: emulator.authority('common'),
      graphBaseURL: emulator.graphBaseURL,
      ...extra,
    },
    (_at: string, _rt: string | undefined, profile: MicrosoftProfile, done) =>
      done(null, { id: profile.id, tenantId: profile.tenantId }),
  );
}

/** GET `path` on the emulator with a chosen Host header. */
function getWithHost(emulator: Emulator, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${emulator.url}${path}`,
      { headers: { host }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('e2e: silent sign-in, US Gov keys and emulator guards', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe('silent sign-in (prompt: none)', () => {
    it('without a session at Microsoft: login_required is fail({ message, reason }, 401), never error', async () => {
      const outcome = expectFail(
        await loginThroughEmulator(strategyFor(emulator), 'work', { prompt: 'none' }),
      );
      expect(outcome.status).to.equal(401);
      const challenge = outcome.challenge as Record<string, unknown>;
      expect(challenge['reason']).to.equal('login_required');
      expect(challenge['error']).to.equal('login_required');
      expect(challenge['aadsts']).to.equal(50058);
      expect(String(challenge['message'])).to.match(/^AADSTS50058: /);
    });

    it('with the user known to Microsoft (login_hint): signs in without a page', async () => {
      const user = demoUser('work');
      const outcome = expectSuccess(
        await loginThroughEmulator(strategyFor(emulator), 'work', {
          prompt: 'none',
          loginHint: user.preferredUsername,
        }),
      );
      expect(outcome.user).to.deep.equal({ id: user.oid, tenantId: DEMO_TENANT_ID });
    });
  });

  describe('a US Gov cloud login (key set naming login.microsoftonline.us)', () => {
    let usgov: Emulator;
    before(async () => {
      usgov = await startEmulator({ keyIssuerOrigin: US_GOV });
    });
    after(async () => {
      await usgov.close();
    });

    it('the emulator publishes keys with US Gov issuers', () => {
      const issuers = usgov.jwks().keys.map((k) => k['issuer']);
      expect(issuers).to.include(`${US_GOV}/{tenantid}/v2.0`);
    });

    it('a work account signs in end to end with cloud usgov and the emulator as authority', async () => {
      const strategy = strategyFor(usgov, {
        cloud: 'usgov',
        authority: usgov.authority('organizations'),
      });
      const user = demoUser('work');
      const outcome = expectSuccess(await loginThroughEmulator(strategy, 'work'));
      expect(outcome.user).to.deep.equal({ id: user.oid, tenantId: DEMO_TENANT_ID });
    });
  });

  describe('emulator guards', () => {
    it('refuses a non-loopback bind without unsafeBind', async () => {
      const err = await rejectionOf(startEmulator({ host: '0.0.0.0' }));
      expect((err as Error).message).to.include('unsafeBind');
    });

    it('listens on a wildcard address with unsafeBind: true', async () => {
      const open = await startEmulator({ host: '0.0.0.0', unsafeBind: true });
      await open.close();
    });

    it('answers 421 to a Host header that is not its address (DNS rebinding), 200 to its own names', async () => {
      const path = '/common/v2.0/.well-known/openid-configuration';
      const port = new URL(emulator.url).port;
      expect(await getWithHost(emulator, path, `rebind.attacker.example:${port}`)).to.equal(421);
      expect(await getWithHost(emulator, path, 'rebind.attacker.example')).to.equal(421);
      expect(await getWithHost(emulator, path, `127.0.0.1:${port}`)).to.equal(200);
      expect(await getWithHost(emulator, path, `localhost:${port}`)).to.equal(200);
    });
  });
});
