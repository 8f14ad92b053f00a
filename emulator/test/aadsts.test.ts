/**
 * The AADSTS catalogue: errors are built from it (placeholders filled, a detail appended, the
 * OAuth error and status it pairs with), the token endpoint sends them in Microsoft's body, and
 * the `/error?code=n` lookup page shows its texts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AADSTS, AadstsError, aadsts, aadstsText } from '../src/aadsts.js';
import { startEmulator } from '../src/index.js';
import { json, postForm, raw } from './helpers.js';

describe('emulator: the AADSTS catalogue', () => {
  it('fills placeholders, appends a detail, and takes the error and status of the entry', () => {
    const err = aadsts(700016, { values: { app: 'my-app' } });
    expect(err).to.be.instanceOf(AadstsError);
    expect(err.message).to.match(/^Application with identifier 'my-app' was not found/);
    expect(err).to.include({ code: 700016, error: 'unauthorized_client', status: 400 });
    const detailed = aadsts(70000, { detail: 'The user no longer exists.' });
    expect(detailed.message).to.equal(
      'Provided grant is invalid or malformed. The user no longer exists.',
    );
    expect(aadsts(9002313, { error: 'invalid_grant' }).error).to.equal('invalid_grant');
    expect(aadsts(7000215, { values: { app: 'a' } }).status).to.equal(401);
  });

  it('every entry pairs a 400 or 401 with an OAuth error and a sentence', () => {
    for (const [code, entry] of Object.entries(AADSTS)) {
      expect([400, 401], code).to.include(entry.status);
      expect(entry.error, code).to.match(/^[a-z_]+$/);
      expect(entry.text, code).to.match(/[.\]]$/);
      expect(aadstsText(Number(code))).to.equal(entry.text);
    }
    expect(aadstsText(1)).to.equal(undefined);
  });

  it('the token endpoint files name AADSTS codes only through aadsts(code)', () => {
    const dir = path.join(__dirname, '..', 'src');
    const files = readdirSync(dir).filter((f) =>
      /^(token-endpoint|client-auth|client-assertions|user-grants|client-credentials-grant|api-registry)\.ts$/.test(
        f,
      ),
    );
    expect(files).to.have.length(6);
    for (const file of files) {
      const source = readFileSync(path.join(dir, file), 'utf8').replace(/aadsts\(\d+/g, 'aadsts(');
      expect(source.match(/\b[1-9]\d{4,6}\b/g), file).to.equal(null);
    }
  });

  it('the token endpoint sends catalogue errors; the lookup page shows their texts', async () => {
    const emulator = await startEmulator();
    try {
      const res = await postForm(`${emulator.authority()}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: 'unknown-app',
        client_secret: 'x',
      });
      expect(res.status).to.equal(400);
      const body = json(res);
      expect(body['error']).to.equal('unauthorized_client');
      expect(String(body['error_description'])).to.match(
        /^AADSTS700016: Application with identifier 'unknown-app' was not found in the directory\./,
      );
      const page = await raw(`${emulator.url}/error?code=1002012`);
      expect(page.text).to.include(
        'Client credential flows must have a scope value with /.default',
      );
      expect(page.text).to.include('{scope}');
    } finally {
      await emulator.close();
    }
  });
});
