import { expect } from 'chai';
import { MicrosoftGraphError, MicrosoftHttpError } from '../../lib/errors.js';
import { MAX_PHOTO_BYTES } from '../../lib/clients/graph.js';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';
import type { CannedResponse, FakeServer } from '../helpers/fake-server.js';
import {
  ACCESS_TOKEN,
  ME_ROUTE,
  PHOTO_ROUTE,
  WORK_ME,
  errorText,
  fakeOptions,
  login,
  recordingVerify,
  startFakeMicrosoft,
} from '../helpers/microsoft.js';
import { expectErrorOf, expectSuccess } from '../helpers/passport.js';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const SIZED_ROUTE = 'GET /v1.0/me/photos/48x48/$value';

describe('unit: photo option', () => {
  let server: FakeServer;

  beforeEach(async () => {
    server = await startFakeMicrosoft({
      [PHOTO_ROUTE]: { headers: { 'content-type': 'image/png' }, body: PNG },
      [SIZED_ROUTE]: { headers: { 'content-type': 'image/jpeg' }, body: PNG },
    });
  });

  afterEach(async () => {
    await server.close();
  });

  async function profileWith(
    photo: StrategyOptions['photo'],
    response?: CannedResponse,
    route = PHOTO_ROUTE,
  ): Promise<MicrosoftProfile> {
    if (response !== undefined) server.route(route, response);
    const rec = recordingVerify();
    expectSuccess(
      await login(
        new Strategy(fakeOptions(server, photo === undefined ? {} : { photo }), rec.verify),
      ),
    );
    return rec.calls[0]?.[2] as MicrosoftProfile;
  }

  it('fetches /me/photo/$value with photo: true and attaches a data: URL', async () => {
    const profile = await profileWith(true);
    expect(profile.photos).to.deep.equal([
      { value: `data:image/png;base64,${PNG.toString('base64')}` },
    ]);
    const [req] = server.requestsTo(PHOTO_ROUTE);
    expect(req?.headers['authorization']).to.equal(`Bearer ${ACCESS_TOKEN}`);
    expect(req?.headers['accept']).to.equal('image/*');
    expect(req?.query.toString()).to.equal('');
  });

  it("fetches /me/photos/48x48/$value with photo: '48x48'", async () => {
    const profile = await profileWith('48x48');
    expect(profile.photos).to.deep.equal([
      { value: `data:image/jpeg;base64,${PNG.toString('base64')}` },
    ]);
    expect(server.requestsTo(SIZED_ROUTE)).to.have.length(1);
    expect(server.requestsTo(PHOTO_ROUTE)).to.have.length(0);
  });

  it('asks for the photo in parallel with /me, not after it', async () => {
    let photoArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => {
      photoArrived = resolve;
    });
    // /me answers only once the photo request has reached the server: a sequential client would time out.
    server.route(ME_ROUTE, { json: WORK_ME, after: arrived });
    server.route(PHOTO_ROUTE, () => {
      photoArrived();
      return { headers: { 'content-type': 'image/png' }, body: PNG };
    });
    const rec = recordingVerify();
    expectSuccess(
      await login(new Strategy(fakeOptions(server, { photo: true, timeout: 2000 }), rec.verify)),
    );
    expect((rec.calls[0]?.[2] as MicrosoftProfile).photos).to.have.length(1);
  });

  it('makes no photo request without the option', async () => {
    const profile = await profileWith(undefined);
    expect(profile).to.not.have.property('photos');
    expect(server.requestsTo(PHOTO_ROUTE)).to.have.length(0);
  });

  it('makes no photo request with photo: false', async () => {
    await profileWith(false);
    expect(server.requests.map((r) => r.path)).to.deep.equal([
      '/common/oauth2/v2.0/token',
      '/v1.0/me',
    ]);
  });

  it('leaves photos out when Graph answers 404 (no photo)', async () => {
    const profile = await profileWith(true, {
      status: 404,
      json: { error: { code: 'ImageNotFound', message: 'The photo wasn\u2019t found.' } },
    });
    expect(profile).to.not.have.property('photos');
  });

  it('leaves photos out when the photo is larger than 100 kB', async () => {
    const profile = await profileWith(true, {
      headers: { 'content-type': 'image/jpeg' },
      body: Buffer.alloc(MAX_PHOTO_BYTES + 1, 1),
    });
    expect(profile).to.not.have.property('photos');
  });

  it('embeds a photo of exactly 100 kB', async () => {
    const profile = await profileWith(true, {
      headers: { 'content-type': 'image/jpeg' },
      body: Buffer.alloc(MAX_PHOTO_BYTES, 1),
    });
    expect(profile.photos?.[0]?.value.startsWith('data:image/jpeg;base64,')).to.equal(true);
  });

  it('leaves photos out when the body is not an image', async () => {
    const profile = await profileWith(true, {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<html>sign in</html>',
    });
    expect(profile).to.not.have.property('photos');
  });

  it('drops an SVG profile photo: only image/jpeg, image/png, image/gif and image/webp are kept', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    for (const type of [
      'image/svg+xml',
      'image/svg+xml; charset=utf-8',
      'image/bmp',
      'image/x-icon',
    ]) {
      const profile = await profileWith(true, { headers: { 'content-type': type }, body: svg });
      expect(profile, type).to.not.have.property('photos');
    }
    for (const type of ['image/jpeg', 'image/png', 'image/gif', 'image/webp']) {
      const profile = await profileWith(true, { headers: { 'content-type': type }, body: PNG });
      expect(profile.photos, type).to.deep.equal([
        { value: `data:${type};base64,${PNG.toString('base64')}` },
      ]);
    }
  });

  it('leaves photos out without a content-type', async () => {
    expect(await profileWith(true, { body: PNG })).to.not.have.property('photos');
  });

  it('leaves photos out for an empty image body', async () => {
    expect(
      await profileWith(true, { headers: { 'content-type': 'image/png' }, body: '' }),
    ).to.not.have.property('photos');
  });

  it('drops content-type parameters from the data: URL', async () => {
    const profile = await profileWith(true, {
      headers: { 'content-type': 'Image/PNG; name=photo.png' },
      body: PNG,
    });
    expect(profile.photos?.[0]?.value).to.equal(`data:image/png;base64,${PNG.toString('base64')}`);
  });

  it('ends in a MicrosoftGraphError when the photo request fails with 500', async () => {
    server.route(PHOTO_ROUTE, {
      status: 500,
      json: { error: { code: 'generalException', message: 'boom' } },
    });
    const err = expectErrorOf(
      await login(new Strategy(fakeOptions(server, { photo: true }), recordingVerify().verify)),
      MicrosoftGraphError,
    );
    expect(err).to.include({
      code: 'generalException',
      status: 500,
      url: `${server.url}/v1.0/me/photo/$value`,
    });
    expect(errorText(err)).to.not.contain(ACCESS_TOKEN);
  });

  it('reports the /me failure, not the photo, when both fail', async () => {
    server.route(ME_ROUTE, {
      status: 401,
      json: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } },
    });
    server.route(PHOTO_ROUTE, {
      status: 401,
      json: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } },
    });
    const err = expectErrorOf(
      await login(new Strategy(fakeOptions(server, { photo: true }), recordingVerify().verify)),
      MicrosoftGraphError,
    );
    expect(err.url).to.equal(`${server.url}/v1.0/me`);
  });

  it('times out a photo that never comes', async () => {
    server.route(PHOTO_ROUTE, { hang: true });
    const err = expectErrorOf(
      await login(
        new Strategy(fakeOptions(server, { photo: true, timeout: 200 }), recordingVerify().verify),
      ),
      MicrosoftHttpError,
    );
    expect(err).to.include({ code: 'timeout', endpoint: 'photo' });
  });
});
