/**
 * A tenant named per login keeps the configured account rule: "organizations" admits work and
 * school accounts only and "consumers" personal accounts only, whatever tenant (a domain or a
 * GUID) the login names, even one that is (or resolves to) the consumer tenant.
 */
import { expect } from 'chai';
import { expectIdTokenError } from '../helpers/errors.js';
import { CLIENT_ID, CONSUMER_TID, WORK_TID, epoch, startFixture } from './fixture-server.js';
import type { IdpFixture } from './fixture-server.js';

const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
const NOW = epoch(NOW_MS);

describe('A per-login tenant keeps the configured account rule', () => {
  let fx: IdpFixture;
  before(async () => {
    fx = await startFixture();
    // A domain whose discovery document is the consumer tenant's, and a work tenant's domain.
    fx.domains.set('personal.example', CONSUMER_TID);
    fx.domains.set('contoso.example', WORK_TID);
  });
  after(async () => {
    await fx.close();
  });

  const claims = (tid: string): Record<string, unknown> => ({
    ver: '2.0',
    iss: fx.issuer(tid),
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    aud: CLIENT_ID,
    exp: NOW + 3600,
    iat: NOW - 60,
    tid,
  });

  /** Verifies a token from `tid` on a strategy configured with `configured`, for a login naming `tenant`. */
  async function verify(configured: string, tid: string, tenant: string): Promise<unknown> {
    const token = await fx.sign(claims(tid));
    return fx.verifierFor({ tenant: configured, now: () => NOW_MS }).verifier.verify(token, {
      nonce: undefined,
      tenant: {
        tenant,
        discoveryURL: `${fx.authority(tenant)}/v2.0/.well-known/openid-configuration`,
      },
    });
  }

  it('organizations + a login domain resolving to the consumer tenant refuses a personal account (tenant)', async () => {
    const err = await expectIdTokenError(
      verify('organizations', CONSUMER_TID, 'personal.example'),
      'tenant',
    );
    expect(err.message).to.include('"organizations" (work and school accounts only)');
    expect(err.message).to.include('the login named tenant personal.example');
  });

  it('organizations + a login naming the consumer tenant GUID refuses a personal account (tenant)', async () => {
    await expectIdTokenError(verify('organizations', CONSUMER_TID, CONSUMER_TID), 'tenant');
  });

  it('organizations + a login naming a work domain still admits its work account', async () => {
    expect(await verify('organizations', WORK_TID, 'contoso.example')).to.deep.equal(
      claims(WORK_TID),
    );
  });

  it('common + a login domain resolving to the consumer tenant admits a personal account', async () => {
    expect(await verify('common', CONSUMER_TID, 'personal.example')).to.deep.equal(
      claims(CONSUMER_TID),
    );
  });

  it('consumers + a login naming a work domain or tenant refuses a work account (tenant)', async () => {
    const err = await expectIdTokenError(
      verify('consumers', WORK_TID, 'contoso.example'),
      'tenant',
    );
    expect(err.message).to.include('"consumers" (personal accounts only)');
    await expectIdTokenError(verify('consumers', WORK_TID, WORK_TID), 'tenant');
  });
});
