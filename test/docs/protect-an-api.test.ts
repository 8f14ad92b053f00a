/**
 * docs/protect-an-api.md's complete API runs as written: the block after the
 * `<!-- protect-an-api-example` comment is written to test/artifacts/ (its package import pointed
 * at the sources), loaded with the environment variables it reads (API_CLIENT_ID,
 * MICROSOFT_AUTHORITY) set to the emulator's demo API, and called with the tokens the emulator
 * issues: a user token, an app-only token, a user token without the write scope, and none.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import {
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_TENANT_ID,
  startEmulator,
} from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { appTokens, userTokens } from '../helpers/api-tokens.js';
import { demoUser } from '../helpers/emulator.js';
import { extractBlocks, ROOT } from './markdown.js';

const MARKER = '<!-- protect-an-api-example';

function exampleOf(markdown: string): string {
  const markerLine = markdown.split('\n').findIndex((line) => line.startsWith(MARKER));
  if (markerLine < 0) throw new Error(`docs/protect-an-api.md has no "${MARKER}" comment`);
  const block = extractBlocks(markdown).find((b) => b.line > markerLine + 1 && b.language === 'ts');
  if (block === undefined) throw new Error(`no ts block after "${MARKER}"`);
  return block.code;
}

describe('docs/protect-an-api.md: the complete API runs as written against the emulator', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let folder: string;
  let app: Express;
  let authority: string;
  const saved = { ...process.env };

  before(async () => {
    emulator = await startEmulator();
    authority = emulator.authority(DEMO_TENANT_ID);
    process.env['API_CLIENT_ID'] = DEMO_API.clientID;
    process.env['MICROSOFT_AUTHORITY'] = authority;
    const code = exampleOf(readFileSync(path.join(ROOT, 'docs', 'protect-an-api.md'), 'utf8'));
    const source = path.join(ROOT, 'lib', 'index.js');
    mkdirSync(path.join(ROOT, 'test', 'artifacts'), { recursive: true });
    folder = mkdtempSync(path.join(ROOT, 'test', 'artifacts', 'protect-an-api-'));
    const file = path.join(folder, 'api.ts');
    writeFileSync(file, code.replace(/'passport-microsoft-account'/g, JSON.stringify(source)));

    app = (require(file) as { default: Express }).default;
  });
  after(async () => {
    process.env = saved;
    rmSync(folder, { recursive: true, force: true });
    await emulator.close();
  });

  it("answers a user's token for Tasks.Read with the tasks", async () => {
    const { tokens } = await userTokens(authority, [`${DEMO_API.api.applicationIdUri}/Tasks.Read`]);
    const res = await request(app)
      .get('/api/tasks')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      caller: demoUser('work').preferredUsername,
      tenant: DEMO_TENANT_ID,
      tasks: [],
    });
  });

  it("answers the daemon's app-only token with the tasks", async () => {
    const { access_token } = await appTokens(authority, DEMO_API.api.applicationIdUri, {
      clientID: DEMO_DAEMON_CLIENT.clientID,
      clientSecret: DEMO_DAEMON_CLIENT.clientSecret,
    });
    const res = await request(app).get('/api/tasks').set('Authorization', `Bearer ${access_token}`);
    expect(res.status).to.equal(200);
    expect(res.body.caller).to.equal(`app ${DEMO_DAEMON_CLIENT.clientID}`);
  });

  it('answers a write without Tasks.Write with 403 and scope="Tasks.Write"', async () => {
    const { tokens } = await userTokens(authority, [`${DEMO_API.api.applicationIdUri}/Tasks.Read`]);
    const res = await request(app)
      .post('/api/tasks')
      .set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).to.equal(403);
    expect(String(res.headers['www-authenticate'])).to.contain('scope="Tasks.Write"');
  });

  it('answers no token with 401 Bearer', async () => {
    const res = await request(app).get('/api/tasks');
    expect(res.status).to.equal(401);
    expect(res.headers['www-authenticate']).to.equal('Bearer');
  });
});
