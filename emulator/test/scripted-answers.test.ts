import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { startEmulator } from '../src/index.js';
import type { Emulator, EmulatorRequest } from '../src/index.js';
import { CLIENT_ID, SECRET, json, postForm, raw, rejectionOf } from './helpers.js';

describe('emulator: request log, respond faults and fault functions', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  function tokenURL(tenant = 'common'): string {
    return `${emulator.authority(tenant)}/oauth2/v2.0/token`;
  }

  it('logs every request with method, path, query, headers, body, parsed form and route', async () => {
    await postForm(
      tokenURL(),
      { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: 'rt-1' },
      { 'client-request-id': 'crid-1' },
    );
    await raw(`${emulator.graphBaseURL}/me?$select=id`, { headers: { authorization: 'Bearer x' } });
    await raw(`${emulator.url}/nowhere/at/all`);
    const log = emulator.requestLog();
    expect(log.map((r) => [r.method, r.path, r.route])).to.deep.equal([
      ['POST', '/common/oauth2/v2.0/token', 'token'],
      ['GET', '/v1.0/me', 'graph.me'],
      ['GET', '/nowhere/at/all', null],
    ]);
    const [token, me] = log;
    expect(token?.headers['client-request-id']).to.equal('crid-1');
    expect(token?.body).to.equal(
      'grant_type=refresh_token&client_id=' + CLIENT_ID + '&refresh_token=rt-1',
    );
    expect(Object.fromEntries(token?.form ?? [])).to.deep.equal({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: 'rt-1',
    });
    expect(me?.url).to.equal('/v1.0/me?$select=id');
    expect(me?.query.get('$select')).to.equal('id');
    expect(me?.headers['authorization']).to.equal('Bearer x');
    expect(emulator.requestLog('graph.me')).to.deep.equal([me]);
  });

  it('resetCounts empties the log; requestLogLimit keeps only the newest requests', async () => {
    await raw(`${emulator.url}/a`);
    emulator.resetCounts();
    expect(emulator.requestLog()).to.deep.equal([]);
    const small = await startEmulator({ requestLogLimit: 2, keys: keysOf(emulator) });
    try {
      for (const path of ['/1', '/2', '/3']) await raw(`${small.url}${path}`);
      expect(small.requestLog().map((r) => r.path)).to.deep.equal(['/2', '/3']);
      expect(small.requests()).to.equal(3);
    } finally {
      await small.close();
    }
  });

  it('answers 413 to a body over 1 MiB, and logs the request without its body', async () => {
    const res = await raw(tokenURL(), { method: 'POST', body: 'a'.repeat(1024 * 1024 + 1) }).catch(
      (err: unknown) => err,
    );
    // The emulator stops reading: the client sees the 413 or a reset connection.
    if (!(res instanceof Error)) expect((res as { status: number }).status).to.equal(413);
    expect(emulator.requestLog().map((r) => [r.path, r.body])).to.deep.equal([
      ['/common/oauth2/v2.0/token', ''],
    ]);
  });

  it('respond answers exactly the status, headers and JSON given', async () => {
    emulator.setFault('token', {
      type: 'respond',
      status: 400,
      headers: { 'x-ms-request-id': 'rid-1' },
      json: { error: 'invalid_grant', error_codes: [70008] },
    });
    const res = await postForm(tokenURL(), { grant_type: 'authorization_code' });
    expect(res.status).to.equal(400);
    expect(res.headers['x-ms-request-id']).to.equal('rid-1');
    expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(res.headers['content-length']).to.equal(String(res.body.length));
    expect(json(res)).to.deep.equal({ error: 'invalid_grant', error_codes: [70008] });
  });

  it('respond sends a raw body as is, with no content type unless given', async () => {
    emulator.setFault('graph.me', { type: 'respond', body: '{"id":' }, { times: 1 });
    const broken = await raw(`${emulator.graphBaseURL}/me`);
    expect(broken.status).to.equal(200);
    expect(broken.headers['content-type']).to.equal(undefined);
    expect(broken.text).to.equal('{"id":');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    emulator.setFault('graph.photo', {
      type: 'respond',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    const photo = await raw(`${emulator.graphBaseURL}/me/photo/$value`);
    expect(photo.headers['content-type']).to.equal('image/png');
    expect(photo.body.equals(png)).to.equal(true);
    // `times: 1` used up: the route answers as Graph again.
    expect((await raw(`${emulator.graphBaseURL}/me`)).status).to.equal(401);
  });

  it('a fault function chooses per request, sees the logged request, and may answer normally', async () => {
    const seen: EmulatorRequest[] = [];
    emulator.setFault('token', (request) => {
      seen.push(request);
      return request.form.get('code') === 'canned'
        ? { type: 'respond', json: { access_token: 'at' } }
        : undefined;
    });
    const canned = await postForm(tokenURL(), { grant_type: 'authorization_code', code: 'canned' });
    expect(json(canned)).to.deep.equal({ access_token: 'at' });
    const normal = await postForm(tokenURL(), {
      grant_type: 'authorization_code',
      code: 'other',
      client_id: CLIENT_ID,
      client_secret: SECRET,
    });
    expect(normal.status).to.equal(400);
    expect(json(normal)['error']).to.equal('invalid_grant');
    expect(seen).to.deep.equal(emulator.requestLog('token'));
  });

  it('an async fault function holds the answer until it settles, and close() does not wait for it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    emulator.setFault('graph.me', async () => {
      await gate;
      return { type: 'respond', json: { id: 'late' } };
    });
    const pending = raw(`${emulator.graphBaseURL}/me`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.requestLog('graph.me')).to.have.length(1);
    release();
    expect(json(await pending)).to.deep.equal({ id: 'late' });

    emulator.setFault('graph.me', () => new Promise<undefined>(() => undefined));
    const hung = raw(`${emulator.graphBaseURL}/me`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emulator.close();
    expect(await rejectionOf(hung)).to.be.instanceOf(Error);
  });
});

/** The private keys of an emulator's key set, to start another one without generating keys. */
function keysOf(emulator: Emulator): KeyObject[] {
  return emulator.signingKeys().map((k) => k.privateKey);
}
