/**
 * Configuration from the command line: `--config <file.json>` (clients, users, tenants, checked
 * field by field), `--redirect-uri`, `--client-id` and `--client-secret`, the demo client's usual
 * callback paths, and the AADSTS50011 page that lists the registered URIs.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completeLogin,
  DEFAULT_CLIENT,
  DEMO_API,
  DEMO_DAEMON_CLIENT,
  DEMO_PUBLIC_CLIENT,
  DEMO_TENANT_ID,
  startEmulator,
} from '../src/index.js';
import { EmulatorConfigError, parseCommandLine } from '../src/cli-options.js';
import { configOptions } from '../src/config-file.js';
import { authorizeUrl, jwtPayload, loginTokens } from './helpers.js';

const FIXTURES = join(__dirname, 'fixtures');

/** The configuration error of `value` (a parsed file). */
function configError(value: unknown): EmulatorConfigError {
  try {
    configOptions(value, FIXTURES);
  } catch (err) {
    if (err instanceof EmulatorConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('emulator: configuration from the command line', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'emu-config-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a configuration file and returns its path. */
  function file(value: unknown, name = 'emulator.json'): string {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  }

  it('reads clients, users and tenants; certificates as files next to it; ids derived', () => {
    const options = configOptions(
      {
        clients: [
          {
            clientID: 'c0ffee00-0000-4000-8000-000000000001',
            name: 'Orders',
            clientSecret: 's3cret',
            redirectUris: ['https://app.example.test/callback'],
            certificates: ['app-cert.pem'],
            api: { identifierUri: 'api://orders' },
            appRoles: ['Orders.Read.All'],
            publicClient: false,
          },
        ],
        users: [
          {
            key: 'ana',
            kind: 'work',
            displayName: 'Ana Silva',
            preferredUsername: 'ana@contoso.com',
          },
        ],
        tenants: [
          { tenantId: '11111111-2222-4333-8444-555555555555', domains: ['fabrikam.example'] },
        ],
      },
      FIXTURES,
    );
    const client = options.clients?.[0] as unknown as Record<string, unknown>;
    expect(client['clientID']).to.equal('c0ffee00-0000-4000-8000-000000000001');
    expect(String((client['certificates'] as string[])[0])).to.contain('BEGIN CERTIFICATE');
    // Passed through to startEmulator as given.
    expect(client['api']).to.deep.equal({ identifierUri: 'api://orders' });
    expect(client['appRoles']).to.deep.equal(['Orders.Read.All']);
    expect(client['publicClient']).to.equal(false);
    const user = options.users?.[0];
    expect(user?.oid).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(user).to.include({
      tid: DEMO_TENANT_ID,
      userPrincipalName: 'ana@contoso.com',
      mail: 'ana@contoso.com',
    });
    expect(user?.graphId).to.equal(user?.oid);
    expect(
      configOptions(
        { users: [{ key: 'ana', kind: 'work', displayName: 'A', preferredUsername: 'a@b' }] },
        dir,
      ).users?.[0]?.oid,
    ).to.equal(user?.oid);
    expect(options.tenants).to.deep.equal([
      { tenantId: '11111111-2222-4333-8444-555555555555', domains: ['fabrikam.example'] },
    ]);
    const personal = configOptions(
      {
        users: [{ key: 'p', kind: 'personal', displayName: 'P', preferredUsername: 'p@gmail.com' }],
        demoUsers: true,
      },
      dir,
    ).users;
    expect(personal?.at(-1)?.oid).to.match(/^00000000-0000-0000-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(personal?.at(-1)).to.include({
      mail: null,
      graphId: personal?.at(-1)?.oid.replace(/-/g, '').slice(16),
    });
    expect(personal?.length).to.be.greaterThan(1);
    const withDemoClients = configOptions(
      { clients: [{ clientID: 'mine', clientSecret: 's', redirectUris: [] }], demoClients: true },
      dir,
    ).clients?.map((c) => ('clientID' in c ? c.clientID : undefined));
    expect(withDemoClients).to.deep.equal([
      DEFAULT_CLIENT.clientID,
      DEMO_API.clientID,
      DEMO_DAEMON_CLIENT.clientID,
      DEMO_PUBLIC_CLIENT.clientID,
      'mine',
    ]);
  });

  it('names the field that is wrong', () => {
    const cases: Array<[unknown, string, string]> = [
      [[], '(file)', 'must be a JSON object'],
      [{ client: [] }, 'client', 'unknown field'],
      [{ clients: {} }, 'clients', 'must be an array'],
      [
        { clients: [{ clientID: 'x', redirectUris: ['https://ok', 'not a url'] }] },
        'clients[0].redirectUris[1]',
        "must be an absolute URL, got 'not a url'",
      ],
      [{ clients: [{ clientID: 'x', secret: 'y' }] }, 'clients[0].secret', 'unknown field'],
      [{ clients: [{ redirectUris: [] }] }, 'clients[0].clientID', 'is required'],
      [
        { clients: [{ clientID: 'x', certificates: ['missing.pem'] }] },
        'clients[0].certificates[0]',
        'neither PEM nor a readable file',
      ],
      [
        {
          clients: [
            { clientID: 'x', federatedCredentials: [{ issuer: 'https://i', subject: 's' }] },
          ],
        },
        'clients[0].federatedCredentials[0].publicKey',
        'is required',
      ],
      [
        { users: [{ key: 'u', kind: 'admin', displayName: 'U', preferredUsername: 'u@x' }] },
        'users[0].kind',
        "must be 'personal', 'work' or 'guest'",
      ],
      [
        {
          users: [
            { key: 'u', kind: 'work', displayName: 'U', preferredUsername: 'u@x', oid: '42' },
          ],
        },
        'users[0].oid',
        'must be a GUID',
      ],
      [{ tenants: [{ tenantId: 'contoso' }] }, 'tenants[0].tenantId', 'must be a GUID'],
      [{ anyTenantId: 'yes' }, 'anyTenantId', 'must be true or false'],
    ];
    for (const [value, field, message] of cases) {
      const err = configError(value);
      expect(err.field, JSON.stringify(value)).to.equal(field);
      expect(err.message)
        .to.equal(`${field}: ${err.message.slice(field.length + 2)}`)
        .and.to.contain(message);
      expect(err.code).to.equal('EMULATOR_CONFIG_INVALID');
    }
    expect(() => parseCommandLine(['--config', file('{ not json', 'bad.json')], {})).to.throw(
      EmulatorConfigError,
      /--config: '.*bad\.json' is not JSON/,
    );
    expect(() => parseCommandLine(['--config', join(dir, 'none.json')], {})).to.throw(/ENOENT/);
  });

  it('--redirect-uri, --client-id and --client-secret shape the demo client, or the first of --config', () => {
    const demo = parseCommandLine(
      [
        '--redirect-uri',
        'https://app.example.test/cb',
        '--redirect-uri=http://localhost:5173/auth',
      ],
      {},
    ).options.clients?.[0];
    expect(demo?.redirectUris).to.deep.equal([
      ...DEFAULT_CLIENT.redirectUris,
      'https://app.example.test/cb',
      'http://localhost:5173/auth',
    ]);
    const env = parseCommandLine([], {
      EMULATOR_CLIENT_ID: 'my-app',
      EMULATOR_CLIENT_SECRET: 'shh',
      EMULATOR_REDIRECT_URIS: 'https://a.test/cb,https://b.test/cb',
    }).options.clients?.[0];
    expect(env).to.include({ clientID: 'my-app', clientSecret: 'shh' });
    expect(env?.redirectUris.slice(-2)).to.deep.equal(['https://a.test/cb', 'https://b.test/cb']);
    // The other default registrations stay.
    expect(
      parseCommandLine(['--client-id', 'x'], {}).options.clients?.map(
        (c) => 'clientID' in c && c.clientID,
      ),
    ).to.deep.equal([
      'x',
      DEMO_API.clientID,
      DEMO_DAEMON_CLIENT.clientID,
      DEMO_PUBLIC_CLIENT.clientID,
    ]);
    const path = file({
      clients: [
        { clientID: 'first', clientSecret: 'a', redirectUris: [] },
        { clientID: 'second', clientSecret: 'b', redirectUris: [] },
      ],
    });
    const clients = parseCommandLine(['--config', path, '--redirect-uri', 'https://c.test/cb'], {})
      .options.clients;
    expect(clients?.map((c) => c.redirectUris)).to.deep.equal([['https://c.test/cb'], []]);
    expect(() => parseCommandLine(['--redirect-uri', '/relative'], {})).to.throw(
      EmulatorConfigError,
      /--redirect-uri\[0\]: must be an absolute URL/,
    );
    expect(parseCommandLine([], {}).options.clients).to.equal(undefined);
  });

  it('a configured client and user sign in', async () => {
    const { options } = parseCommandLine(
      [
        '--port',
        '0',
        '--config',
        file({
          clients: [
            {
              clientID: 'cfg-app',
              clientSecret: 'cfg-secret',
              redirectUris: ['http://localhost/cb'],
            },
          ],
          users: [
            {
              key: 'ana',
              kind: 'work',
              displayName: 'Ana Silva',
              preferredUsername: 'ana@contoso.com',
            },
          ],
        }),
      ],
      {},
    );
    const emulator = await startEmulator(options);
    try {
      const url = new URL(
        authorizeUrl(emulator, { client_id: 'cfg-app', redirect_uri: 'http://localhost:8080/cb' }),
      );
      const result = await completeLogin(url.toString(), 'ana');
      expect(result.kind).to.equal('redirect');
      expect(emulator.users.map((u) => u.key)).to.deep.equal(['ana']);
    } finally {
      await emulator.close();
    }
  });

  it('the demo client accepts Auth.js’ and MSAL samples’ callback paths on any loopback port', async () => {
    const emulator = await startEmulator();
    try {
      for (const uri of [
        'http://localhost:3000/api/auth/callback/microsoft-entra-id',
        'http://127.0.0.1:3000/api/auth/callback/microsoft-entra-id',
        'http://localhost:3000/redirect',
        'http://localhost:3000/auth/redirect',
        'http://127.0.0.1:5000/auth/redirect',
      ]) {
        const result = await completeLogin(authorizeUrl(emulator, { redirect_uri: uri }), 'work');
        expect(result.kind, uri).to.equal('redirect');
      }
    } finally {
      await emulator.close();
    }
  });

  it('the AADSTS50011 page lists the registered redirect URIs and how to add one', async () => {
    const emulator = await startEmulator({
      clients: [
        {
          clientID: 'app-1',
          clientSecret: 's',
          redirectUris: ['https://app.example.test/cb?x=<b>'],
        },
      ],
    });
    try {
      const result = await completeLogin(
        authorizeUrl(emulator, { client_id: 'app-1', redirect_uri: 'https://evil.test/cb' }),
        'work',
      );
      expect(result.kind).to.equal('error_page');
      const html = result.kind === 'error_page' ? result.html : '';
      expect(result.kind === 'error_page' ? result.code : 0).to.equal(50011);
      expect(html).to.contain('<li><code>https://app.example.test/cb?x=&lt;b&gt;</code></li>');
      expect(html).to.contain('--redirect-uri &lt;uri&gt;');
      expect(html).to.contain('--config');
    } finally {
      await emulator.close();
    }
  });

  it('ID tokens of a configured user carry the derived ids', async () => {
    const emulator = await startEmulator(
      configOptions(
        {
          users: [
            {
              key: 'ana',
              kind: 'work',
              displayName: 'Ana Silva',
              preferredUsername: 'ana@contoso.com',
            },
          ],
        },
        dir,
      ),
    );
    try {
      const tokens = await loginTokens(emulator, 'ana');
      const claims = jwtPayload(String(tokens['id_token']));
      expect(claims['oid']).to.equal(emulator.users[0]?.oid);
      expect(claims['preferred_username']).to.equal('ana@contoso.com');
    } finally {
      await emulator.close();
    }
  });
});
