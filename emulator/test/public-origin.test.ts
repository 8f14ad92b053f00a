/**
 * `publicOrigin` and `allowedHosts`: the emulator behind a reverse proxy or under a container name
 * names the origin its clients see, and answers the Host names it is given (421 for the others).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { completeLogin, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { EmulatorConfigError, parseCommandLine } from '../src/cli-options.js';
import {
  CLIENT_ID,
  REDIRECT,
  SECRET,
  authorizeUrl,
  json,
  jwtPayload,
  postForm,
  raw,
  rejectionOf,
} from './helpers.js';

const PUBLIC = 'https://login.example.test';

describe('emulator: public origin and allowed hosts', function () {
  this.timeout(30_000);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ publicOrigin: `${PUBLIC}/`, allowedHosts: ['emulator'] });
  });

  after(() => emulator.close());

  /** A GET on the listening address with the Host header a proxy would keep. */
  function viaHost(path: string, host: string): ReturnType<typeof raw> {
    return raw(`${emulator.listenURL}${path}`, { headers: { Host: host } });
  }

  it('url is the public origin; listenURL stays the loopback address', () => {
    expect(emulator.url).to.equal(PUBLIC);
    expect(emulator.authority('organizations')).to.equal(`${PUBLIC}/organizations`);
    expect(emulator.graphBaseURL).to.equal(`${PUBLIC}/v1.0`);
    expect(emulator.listenURL).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('discovery and the key set name the public origin, asked for through the proxy’s Host', async () => {
    const res = await viaHost(
      '/common/v2.0/.well-known/openid-configuration',
      'login.example.test',
    );
    expect(res.status).to.equal(200);
    const doc = json(res);
    expect(doc['issuer']).to.equal(`${PUBLIC}/{tenantid}/v2.0`);
    expect(doc['token_endpoint']).to.equal(`${PUBLIC}/common/oauth2/v2.0/token`);
    expect(doc['msgraph_host']).to.equal('login.example.test');
    const keys = json(await viaHost('/common/discovery/v2.0/keys', 'login.example.test:443'));
    const first = (keys['keys'] as Array<Record<string, unknown>>)[0];
    expect(first?.['issuer']).to.equal(`${PUBLIC}/{tenantid}/v2.0`);
  });

  it('tokens and error URIs name the public origin', async () => {
    const start = new URL(authorizeUrl(emulator));
    // The test reaches the emulator directly; a browser would go through the proxy.
    const direct = `${emulator.listenURL}${start.pathname}${start.search}`;
    const result = await completeLogin(direct, 'work');
    const code =
      result.kind === 'redirect' ? new URL(result.location).searchParams.get('code') : null;
    const res = await postForm(`${emulator.listenURL}/common/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      client_secret: 'wrong',
      code: code ?? '',
      redirect_uri: REDIRECT,
    });
    expect(String(json(res)['error_uri'])).to.match(
      /^https:\/\/login\.example\.test\/error\?code=/,
    );
    const good = await postForm(`${emulator.listenURL}/common/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      client_secret: SECRET,
      code: code ?? '',
      redirect_uri: REDIRECT,
    });
    expect(good.status).to.equal(200);
    expect(String(jwtPayload(String(json(good)['id_token']))['iss'])).to.match(
      /^https:\/\/login\.example\.test\/[0-9a-f-]{36}\/v2\.0$/,
    );
  });

  it('answers the allowed host on any port and refuses other names with 421', async () => {
    expect((await viaHost('/common/discovery/v2.0/keys', 'emulator:4010')).status).to.equal(200);
    expect((await viaHost('/common/discovery/v2.0/keys', 'EMULATOR')).status).to.equal(200);
    const other = await viaHost('/common/discovery/v2.0/keys', 'attacker.example');
    expect(other.status).to.equal(421);
    expect(other.text).to.contain('login.example.test').and.to.contain('--allowed-host');
    expect(
      (await viaHost('/common/discovery/v2.0/keys', 'login.example.test:8443')).status,
    ).to.equal(421);
  });

  it('an allowed host:port answers on that port only', async () => {
    const strict = await startEmulator({ allowedHosts: ['proxy:8443'] });
    try {
      const get = (host: string): Promise<number> =>
        raw(`${strict.url}/common/discovery/v2.0/keys`, { headers: { Host: host } }).then(
          (r) => r.status,
        );
      expect(await get('proxy:8443')).to.equal(200);
      expect(await get('proxy:8444')).to.equal(421);
      expect(await get(new URL(strict.url).host)).to.equal(200);
      expect(strict.url).to.equal(strict.listenURL);
    } finally {
      await strict.close();
    }
  });

  it('refuses a public origin that is not an http(s) origin, and a malformed host', async () => {
    for (const bad of [
      'login.example.test',
      'https://login.example.test/path',
      'ftp://x',
      'https://u:p@x',
    ])
      expect(await rejectionOf(startEmulator({ publicOrigin: bad })), bad).to.be.instanceOf(
        TypeError,
      );
    const host = await rejectionOf(startEmulator({ allowedHosts: ['http://x'] }));
    expect((host as Error).message).to.contain("allowedHosts entry 'http://x'");
  });

  it('an https emulator’s certificate carries the public and allowed names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-ca-'));
    const tls = await startEmulator({
      https: { caDirectory: dir },
      publicOrigin: 'https://id.example.test:8443',
      allowedHosts: ['emulator'],
    });
    try {
      const cert = await new Promise<X509Certificate>((resolve, reject) => {
        const socket = connect(
          {
            port: Number(new URL(tls.listenURL).port),
            host: '127.0.0.1',
            ca: tls.caCertificate,
            servername: 'id.example.test',
          },
          () => {
            const peer = socket.getPeerX509Certificate();
            socket.end();
            if (peer) resolve(peer);
            else reject(new Error('no certificate'));
          },
        );
        socket.on('error', reject);
      });
      expect(cert.checkHost('id.example.test')).to.equal('id.example.test');
      expect(cert.checkHost('emulator')).to.equal('emulator');
      expect(cert.checkHost('localhost')).to.equal('localhost');
      expect(tls.url).to.equal('https://id.example.test:8443');
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CLI takes --public-origin and --allowed-host (repeatable) or their variables', () => {
    const flags = parseCommandLine(
      ['--public-origin', 'https://id.example.test', '--allowed-host', 'a', '--allowed-host=b:81'],
      {},
    ).options;
    expect(flags.publicOrigin).to.equal('https://id.example.test');
    expect(flags.allowedHosts).to.deep.equal(['a', 'b:81']);
    const env = parseCommandLine([], {
      EMULATOR_PUBLIC_ORIGIN: 'http://emulator:4010',
      EMULATOR_ALLOWED_HOSTS: 'emulator, proxy',
    }).options;
    expect(env.publicOrigin).to.equal('http://emulator:4010');
    expect(env.allowedHosts).to.deep.equal(['emulator', 'proxy']);
    let error: unknown;
    try {
      parseCommandLine(['--public-origin', 'id.example.test'], {});
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(EmulatorConfigError);
    expect((error as EmulatorConfigError).field).to.equal('--public-origin');
  });
});
