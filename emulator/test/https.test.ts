/**
 * `https: true`: a local CA kept in a folder and reused, a server certificate for the loopback
 * names, https issuers and URLs, clients trusting it through `ca` or `NODE_EXTRA_CA_CERTS`, and a
 * certificate of the user's own.
 */
import { expect } from 'chai';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { completeLogin, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { createCertificateAuthority, issueServerCertificate } from '../src/certificates.js';
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

/** The certificate the server presents to a TLS client asking for `servername`. */
function peerCertificate(port: number, host: string, ca: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, ca, servername: 'localhost' }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (cert) resolve(cert);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}

describe('emulator: https', function () {
  this.timeout(30_000);
  let dir: string;
  let emulator: Emulator;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emu-ca-'));
    emulator = await startEmulator({ https: { caDirectory: dir } });
  });

  after(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https on loopback with a CA kept in the folder given', () => {
    expect(emulator.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.listenURL).to.equal(emulator.url);
    expect(emulator.caCertificatePath).to.equal(join(dir, 'ca.pem'));
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).to.equal(emulator.caCertificate);
    const ca = new X509Certificate(emulator.caCertificate ?? '');
    expect(ca.ca).to.equal(true);
    if (process.platform !== 'win32')
      expect(statSync(join(dir, 'ca-key.pem')).mode & 0o077).to.equal(0);
  });

  it('presents a certificate for localhost, 127.0.0.1 and ::1 issued by that CA', async () => {
    const port = Number(new URL(emulator.url).port);
    const ca = emulator.caCertificate ?? '';
    const cert = await peerCertificate(port, '127.0.0.1', ca);
    expect(cert.checkHost('localhost')).to.equal('localhost');
    expect(cert.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect(cert.checkIP('::1')).to.equal('::1');
    expect(cert.checkIssued(new X509Certificate(ca))).to.equal(true);
    expect(cert.ca).to.equal(false);
  });

  it('is refused by a client that does not trust the CA', async () => {
    const err = await rejectionOf(
      raw(`${emulator.url}/common/v2.0/.well-known/openid-configuration`),
    );
    expect((err as NodeJS.ErrnoException).code).to.be.oneOf([
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ]);
  });

  it('names the https origin in discovery, on localhost as on 127.0.0.1', async () => {
    const ca = emulator.caCertificate ?? '';
    const doc = json(
      await raw(`${emulator.url}/organizations/v2.0/.well-known/openid-configuration`, { ca }),
    );
    expect(doc['issuer']).to.equal(`${emulator.url}/{tenantid}/v2.0`);
    for (const member of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'])
      expect(doc[member]).to.match(/^https:\/\/127\.0\.0\.1:\d+\//);
    const port = new URL(emulator.url).port;
    const viaName = await raw(`https://localhost:${port}/common/discovery/v2.0/keys`, { ca });
    expect(viaName.status).to.equal(200);
  });

  it('signs in over https: the code comes back and the ID token names the https issuer', async () => {
    const ca = emulator.caCertificate ?? '';
    const result = await completeLogin(authorizeUrl(emulator), 'work', { ca });
    expect(result.kind).to.equal('redirect');
    const code =
      result.kind === 'redirect' ? new URL(result.location).searchParams.get('code') : null;
    const res = await raw(`${emulator.authority()}/oauth2/v2.0/token`, {
      method: 'POST',
      ca,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        client_secret: SECRET,
        code: code ?? '',
        redirect_uri: REDIRECT,
      }).toString(),
    });
    expect(res.status).to.equal(200);
    const claims = jwtPayload(String(json(res)['id_token']));
    expect(String(claims['iss'])).to.match(/^https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}\/v2\.0$/);
    // An error's error_uri is on the https origin too.
    const bad = json(
      await raw(`${emulator.authority()}/oauth2/v2.0/token`, {
        method: 'POST',
        ca,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code&code=nope',
      }),
    );
    expect(String(bad['error_uri'])).to.match(/^https:\/\/127\.0\.0\.1:\d+\/error\?code=/);
  });

  it('reuses the CA of the folder in the next run, and replaces an unusable one', async () => {
    const again = await startEmulator({ https: { caDirectory: dir } });
    try {
      expect(again.caCertificate).to.equal(emulator.caCertificate);
    } finally {
      await again.close();
    }
    const other = mkdtempSync(join(tmpdir(), 'emu-ca-'));
    try {
      writeFileSync(join(other, 'ca-key.pem'), 'not a certificate');
      const fresh = await startEmulator({ https: { caDirectory: other } });
      await fresh.close();
      expect(fresh.caCertificate).to.not.equal(emulator.caCertificate);
      expect(readFileSync(join(other, 'ca-key.pem'), 'utf8')).to.contain('PRIVATE KEY');
      expect(new X509Certificate(readFileSync(join(other, 'ca.pem'))).ca).to.equal(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('says which folder it cannot use for the CA, and how to choose another', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const err = await rejectionOf(startEmulator({ https: { caDirectory: join(file, 'ca') } }));
    expect((err as Error).message)
      .to.contain(join(file, 'ca'))
      .and.to.contain('--ca-dir');
  });

  it('is trusted by a child process started with NODE_EXTRA_CA_CERTS', async () => {
    const script = `fetch(process.argv[1]).then(async (r) => console.log(r.status, (await r.json()).issuer), (e) => { console.error(e.cause?.code ?? e.message); process.exit(1); })`;
    const url = `${emulator.authority('organizations')}/v2.0/.well-known/openid-configuration`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, url], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caCertificatePath ?? '' },
    });
    expect(stdout.trim()).to.equal(`200 ${emulator.url}/{tenantid}/v2.0`);
  });

  it('serves a certificate and key of the user’s own', async () => {
    const ca = createCertificateAuthority(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    );
    const leaf = issueServerCertificate(
      ca,
      ['localhost', '127.0.0.1'],
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    );
    const own = await startEmulator({
      https: { certificate: leaf.certificate, key: leaf.key, caCertificate: ca.certificate },
    });
    try {
      expect(own.caCertificate).to.equal(ca.certificate);
      expect(own.caCertificatePath).to.equal(undefined);
      const res = await raw(`${own.url}/common/discovery/v2.0/keys`, { ca: ca.certificate });
      expect(res.status).to.equal(200);
    } finally {
      await own.close();
    }
    const half = await rejectionOf(startEmulator({ https: { certificate: leaf.certificate } }));
    expect(half).to.be.instanceOf(TypeError);
    expect((half as Error).message).to.contain('certificate and key must be given together');
    const garbage = await rejectionOf(startEmulator({ https: { certificate: 'x', key: 'y' } }));
    expect((garbage as Error).message).to.contain('not PEM');
  });

  it('stays plain http by default, with no CA', async () => {
    const plain = await startEmulator();
    try {
      expect(plain.url).to.match(/^http:\/\//);
      expect(plain.caCertificate).to.equal(undefined);
      expect(plain.caCertificatePath).to.equal(undefined);
      const res = await postForm(`${plain.authority()}/oauth2/v2.0/token`, {});
      expect(res.status).to.equal(400);
    } finally {
      await plain.close();
    }
  });
});
