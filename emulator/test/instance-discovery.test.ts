/**
 * Instance discovery (`/{tenant}/discovery/instance`, MSAL's `cloudDiscoveryMetadata`) for the
 * emulator's own authority, and the lines the CLI banner prints for MSAL and Auth.js.
 */
import { expect } from 'chai';
import { DEFAULT_CLIENT, DEMO_TENANT_ID, startEmulator } from '../src/index.js';
import type { Emulator } from '../src/index.js';
import { banner } from '../src/cli.js';
import { json, raw } from './helpers.js';

describe('emulator: instance discovery and the banner', function () {
  this.timeout(20_000);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });

  after(() => emulator.close());

  it('answers in the shape of Microsoft’s cloud discovery metadata, aliases naming itself', async () => {
    const res = await raw(`${emulator.url}/common/discovery/instance?api-version=1.1`);
    expect(res.status).to.equal(200);
    const body = json(res);
    expect(Object.keys(body)).to.deep.equal([
      'tenant_discovery_endpoint',
      'api-version',
      'metadata',
    ]);
    expect(body['tenant_discovery_endpoint']).to.equal(
      `${emulator.url}/common/v2.0/.well-known/openid-configuration`,
    );
    expect(body['api-version']).to.equal('1.1');
    const host = new URL(emulator.url).host;
    const [entry] = body['metadata'] as Array<Record<string, unknown>>;
    expect(Object.keys(entry ?? {})).to.deep.equal([
      'preferred_network',
      'preferred_cache',
      'aliases',
    ]);
    expect(entry?.['preferred_network']).to.equal(host);
    expect(entry?.['preferred_cache']).to.equal(host);
    const port = new URL(emulator.url).port;
    expect(entry?.['aliases']).to.include.members([host, `localhost:${port}`]);
  });

  it('takes the tenant of authorization_endpoint, and refuses another host (AADSTS50049)', async () => {
    const endpoint = `${emulator.authority(DEMO_TENANT_ID)}/oauth2/v2.0/authorize`;
    const body = json(
      await raw(
        `${emulator.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(endpoint)}`,
      ),
    );
    expect(body['tenant_discovery_endpoint']).to.equal(
      `${emulator.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const foreign = await raw(
      `${emulator.url}/common/discovery/instance?authorization_endpoint=${encodeURIComponent('https://login.microsoftonline.com/common/oauth2/v2.0/authorize')}`,
    );
    expect(foreign.status).to.equal(400);
    const error = json(foreign);
    expect(error['error']).to.equal('invalid_instance');
    expect(error['error_codes']).to.deep.equal([50049]);
  });

  it('names the public origin when one is set', async () => {
    const proxied = await startEmulator({ publicOrigin: 'https://login.example.test' });
    try {
      const body = json(
        await raw(`${proxied.listenURL}/organizations/discovery/instance`, {
          headers: { Host: 'login.example.test' },
        }),
      );
      expect(body['tenant_discovery_endpoint']).to.equal(
        'https://login.example.test/organizations/v2.0/.well-known/openid-configuration',
      );
      const [entry] = body['metadata'] as Array<Record<string, unknown>>;
      expect((entry?.['aliases'] as string[])[0]).to.equal('login.example.test');
    } finally {
      await proxied.close();
    }
  });

  it('the banner prints the URL, client id, MSAL and Auth.js lines', () => {
    const text = banner(emulator, undefined);
    const host = new URL(emulator.url).host;
    expect(text).to.contain(`  URL:                  ${emulator.url}\n`);
    expect(text).to.contain(`  client id:            ${DEFAULT_CLIENT.clientID}\n`);
    expect(text).to.contain(`knownAuthorities ['${host}']`);
    expect(text).to.contain(`\n    AUTH_MICROSOFT_ENTRA_ID_ID=${DEFAULT_CLIENT.clientID}\n`);
    expect(text).to.contain(
      `\n    AUTH_MICROSOFT_ENTRA_ID_SECRET=${DEFAULT_CLIENT.clientSecret}\n`,
    );
    expect(text).to.contain(
      `\n    AUTH_MICROSOFT_ENTRA_ID_ISSUER=${emulator.url}/${DEMO_TENANT_ID}/v2.0\n`,
    );
    expect(text).to.not.contain('NODE_EXTRA_CA_CERTS');
    expect(banner(emulator, '/etc/ca.pem')).to.contain('\n    NODE_EXTRA_CA_CERTS=/etc/ca.pem\n');
  });
});
