/**
 * The sample app's configuration: each half-finished or wrong setting stops it at start with a
 * message saying what to fix; the server prints that message without a stack trace.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, envWarnings, readEnv, toAppConfig } from '../../example/config.js';
import type { Env } from '../../example/config.js';
import { TestBrowser, signIn } from '../helpers/browser.js';
import { byId } from './helpers.js';

const ID = '3f8a1c52-7d0e-4b9a-a6c1-2e5f9b8d7c40';
const SECRET = 'Abc8Q~abcdefghijklmnopqrstuvwxyz0123456';
const MICROSOFT: Env = { MICROSOFT_CLIENT_ID: ID, MICROSOFT_CLIENT_SECRET: SECRET };
const ROOT = path.resolve(__dirname, '../..');

function configError(env: Env): string {
  try {
    readEnv(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('readEnv accepted the configuration');
}

describe('sample app configuration', () => {
  describe('envWarnings', () => {
    it('emulator mode behind a public https BASE_URL with NODE_ENV unset warns', () => {
      const warnings = envWarnings({ BASE_URL: 'https://app.example.com', TRUST_PROXY: '1' });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('https://app.example.com').and.include('emulator');
    });

    it('does not warn with Microsoft credentials, with NODE_ENV set, or on localhost', () => {
      const base = { BASE_URL: 'https://app.example.com', TRUST_PROXY: '1' };
      expect(
        envWarnings({ ...base, MICROSOFT_CLIENT_ID: 'id', MICROSOFT_CLIENT_SECRET: 'secret' }),
      ).to.deep.equal([]);
      expect(envWarnings({ ...base, NODE_ENV: 'development' })).to.deep.equal([]);
      expect(envWarnings({ BASE_URL: 'https://localhost:3443' })).to.deep.equal([]);
      expect(envWarnings({})).to.deep.equal([]);
    });
  });

  describe('valid settings', () => {
    it('no variables: zero-config emulator mode on port 3000 with memory sessions', () => {
      expect(readEnv({})).to.deep.equal({
        port: 3000,
        emulatorTenant: 'common',
        trustProxy: false,
        responseMode: 'query',
        production: false,
      });
    });

    it('blank variables count as unset', () => {
      expect(
        readEnv({ MICROSOFT_CLIENT_ID: '', MICROSOFT_CLIENT_SECRET: '  ', PORT: '' }),
      ).to.deep.equal(readEnv({}));
    });

    it('credentials: Microsoft mode with tenant common in the global cloud', () => {
      expect(readEnv(MICROSOFT).microsoft).to.deep.equal({
        clientID: ID,
        clientSecret: SECRET,
        tenant: 'common',
        cloud: 'global',
      });
    });

    it('every setting at once', () => {
      const env: Env = {
        ...MICROSOFT,
        MICROSOFT_TENANT: 'Contoso.onmicrosoft.com',
        MICROSOFT_CLOUD: 'usgov',
        BASE_URL: 'https://app.example.com/',
        PORT: '8080',
        REDIS_URL: 'redis://:pw@redis.internal:6379/0',
        SESSION_SECRET: 'x'.repeat(32),
        TRUST_PROXY: '1',
        MICROSOFT_RESPONSE_MODE: 'form_post',
        NODE_ENV: 'production',
      };
      expect(readEnv(env)).to.deep.equal({
        port: 8080,
        baseURL: 'https://app.example.com',
        microsoft: {
          clientID: ID,
          clientSecret: SECRET,
          tenant: 'Contoso.onmicrosoft.com',
          cloud: 'usgov',
        },
        api: { clientID: ID, scope: `api://${ID}/Tasks.Read` },
        emulatorTenant: 'Contoso.onmicrosoft.com',
        sessionSecret: 'x'.repeat(32),
        redisURL: 'redis://:pw@redis.internal:6379/0',
        trustProxy: 1,
        responseMode: 'form_post',
        production: true,
      });
    });

    it('tenants: common, organizations, consumers (any case), a GUID or a domain', () => {
      for (const [given, kept] of [
        ['COMMON', 'common'],
        ['organizations', 'organizations'],
        ['Consumers', 'consumers'],
        ['72f988bf-86f1-41af-91ab-2d7cd011db47', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
        ['contoso.com', 'contoso.com'],
      ] as const) {
        expect(readEnv({ ...MICROSOFT, MICROSOFT_TENANT: given }).microsoft?.tenant).to.equal(kept);
      }
    });

    it('TRUST_PROXY: true/false, hop counts and address lists', () => {
      expect(readEnv({ TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
      expect(readEnv({ TRUST_PROXY: 'false' }).trustProxy).to.equal(false);
      expect(readEnv({ TRUST_PROXY: '0' }).trustProxy).to.equal(false);
      expect(readEnv({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
      expect(readEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal(
        'loopback, 10.0.0.0/8',
      );
    });

    it('http://localhost and http://127.0.0.1 BASE_URLs are allowed with Microsoft', () => {
      expect(readEnv({ ...MICROSOFT, BASE_URL: 'http://localhost:3000' }).baseURL).to.equal(
        'http://localhost:3000',
      );
      expect(readEnv({ ...MICROSOFT, BASE_URL: 'http://127.0.0.1:8080/' }).baseURL).to.equal(
        'http://127.0.0.1:8080',
      );
    });

    it('toAppConfig in emulator mode points the strategy at the emulator with a random session secret per start', () => {
      const emulator = {
        url: 'http://127.0.0.1:4000',
        authority: 'http://127.0.0.1:4000/common',
        graphBaseURL: 'http://127.0.0.1:4000/v1.0',
        clientID: ID,
        clientSecret: 'emulator-secret',
      };
      const a = toAppConfig(readEnv({}), 3000, emulator);
      const b = toAppConfig(readEnv({}), 3000, emulator);
      expect(a.config.microsoft).to.deep.equal({
        clientID: ID,
        clientSecret: 'emulator-secret',
        tenant: 'common',
        cloud: 'global',
        authority: 'http://127.0.0.1:4000/common',
        graphBaseURL: 'http://127.0.0.1:4000/v1.0',
      });
      expect(a.config.baseURL).to.equal('http://localhost:3000');
      expect(a.config.emulatorURL).to.equal('http://127.0.0.1:4000');
      expect(a.sessionSecretGenerated).to.equal(true);
      expect(a.config.sessionSecret).to.have.length.of.at.least(32);
      expect(a.config.sessionSecret).not.to.equal(b.config.sessionSecret);
    });

    it('toAppConfig with credentials keeps SESSION_SECRET and has no emulator', () => {
      const { config, sessionSecretGenerated } = toAppConfig(
        readEnv({ ...MICROSOFT, SESSION_SECRET: 's'.repeat(40), PORT: '4321' }),
        4321,
      );
      expect(config.microsoft).to.deep.equal({
        clientID: ID,
        clientSecret: SECRET,
        tenant: 'common',
        cloud: 'global',
      });
      expect(config.sessionSecret).to.equal('s'.repeat(40));
      expect(config.baseURL).to.equal('http://localhost:4321');
      expect(config).not.to.have.property('emulatorURL');
      expect(sessionSecretGenerated).to.equal(false);
    });
  });

  describe('example/.env.example', () => {
    const file = readFileSync(path.join(ROOT, 'example/.env.example'), 'utf8');

    it('documents every variable the app reads', () => {
      const source = readFileSync(path.join(ROOT, 'example/config.ts'), 'utf8');
      const read = [...source.matchAll(/value\(env, '([A-Z_]+)'\)/g)].map((m) => m[1]);
      expect(read).to.include.members([
        'MICROSOFT_CLIENT_ID',
        'MICROSOFT_CLIENT_SECRET',
        'MICROSOFT_TENANT',
        'MICROSOFT_CLOUD',
        'BASE_URL',
        'PORT',
        'REDIS_URL',
        'SESSION_SECRET',
        'TRUST_PROXY',
      ]);
      for (const name of read) expect(file, name).to.match(new RegExp(`^#? ?${name}=`, 'm'));
    });

    it('used as it is, gives the zero-config settings', () => {
      const env: Record<string, string> = {};
      for (const line of file.split('\n')) {
        const match = /^([A-Z_]+)=(.*)$/.exec(line);
        if (match?.[1] !== undefined) env[match[1]] = match[2] ?? '';
      }
      expect(Object.keys(env)).to.have.length.greaterThan(3);
      expect(readEnv(env)).to.deep.equal(readEnv({}));
    });
  });

  describe('misconfiguration messages', () => {
    const cases: Array<[string, Env, RegExp]> = [
      [
        'an id without a secret',
        { MICROSOFT_CLIENT_ID: ID },
        /^MICROSOFT_CLIENT_ID is set but MICROSOFT_CLIENT_SECRET is not: create a client secret under Certificates & secrets and copy its Value$/,
      ],
      [
        'a secret without an id',
        { MICROSOFT_CLIENT_SECRET: SECRET },
        /^MICROSOFT_CLIENT_SECRET is set but MICROSOFT_CLIENT_ID is not: copy the Application \(client\) ID from the app registration's Overview page/,
      ],
      [
        'a client id that is not a GUID',
        { ...MICROSOFT, MICROSOFT_CLIENT_ID: '00000000400FFF55' },
        /^MICROSOFT_CLIENT_ID must be the Application \(client\) ID, a GUID .*; got "00000000400FFF55"$/,
      ],
      [
        'the secret ID pasted instead of its Value',
        { ...MICROSOFT, MICROSOFT_CLIENT_SECRET: '8d2c0e4b-1f3a-4b5c-9d6e-7f8091a2b3c4' },
        /^MICROSOFT_CLIENT_SECRET looks like the Secret ID \(a GUID\): copy the secret's Value column instead/,
      ],
      [
        'a malformed tenant',
        { ...MICROSOFT, MICROSOFT_TENANT: 'my tenant' },
        /^MICROSOFT_TENANT must be common, organizations, consumers, a Directory \(tenant\) ID .* or a verified domain .*; got "my tenant"$/,
      ],
      [
        'a tenant given as a URL',
        { ...MICROSOFT, MICROSOFT_TENANT: 'https://login.microsoftonline.com/common' },
        /^MICROSOFT_TENANT must be .*; got "https:\/\/login.microsoftonline.com\/common"$/,
      ],
      [
        'a malformed tenant in emulator mode too',
        { MICROSOFT_TENANT: 'common/v2.0' },
        /^MICROSOFT_TENANT must be/,
      ],
      [
        'an unknown cloud',
        { ...MICROSOFT, MICROSOFT_CLOUD: 'germany' },
        /^MICROSOFT_CLOUD must be one of global, usgov, usgov-dod, china; got "germany"$/,
      ],
      [
        'a cloud without credentials',
        { MICROSOFT_CLOUD: 'china' },
        /^MICROSOFT_CLOUD is set but MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are not/,
      ],
      [
        'a BASE_URL that is not a URL',
        { BASE_URL: 'localhost:3000' },
        /^BASE_URL must start with https:\/\/ \(or http:\/\/ for localhost\); got "localhost:3000"$/,
      ],
      [
        'a relative BASE_URL',
        { BASE_URL: '/app' },
        /^BASE_URL must be an absolute URL such as https:\/\/app.example.com or http:\/\/localhost:3000; got "\/app"$/,
      ],
      [
        'a BASE_URL with a path',
        { BASE_URL: 'https://app.example.com/login/callback', TRUST_PROXY: '1' },
        /^BASE_URL must be only the origin browsers use to reach the app, e.g. https:\/\/app.example.com, with no path, query or credentials; got "https:\/\/app.example.com\/login\/callback"$/,
      ],
      [
        'a BASE_URL with a query',
        { BASE_URL: 'http://localhost:3000/?x=1' },
        /^BASE_URL must be only the origin/,
      ],
      [
        'a plain-http BASE_URL other than localhost with Microsoft',
        { ...MICROSOFT, BASE_URL: 'http://app.example.com' },
        /^BASE_URL must use https:\/\/ with Microsoft: only http:\/\/localhost redirect URIs are allowed over plain http; got "http:\/\/app.example.com"$/,
      ],
      [
        'an https BASE_URL without TRUST_PROXY',
        { ...MICROSOFT, BASE_URL: 'https://app.example.com' },
        /^BASE_URL is https:\/\/ but TRUST_PROXY is not set: .* set TRUST_PROXY \(e.g. 1 for one proxy hop\)/,
      ],
      [
        'form_post over plain http',
        { MICROSOFT_RESPONSE_MODE: 'form_post' },
        /^MICROSOFT_RESPONSE_MODE=form_post needs an https:\/\/ BASE_URL: .*SameSite=None; Secure$/,
      ],
      [
        'an unknown response mode',
        { MICROSOFT_RESPONSE_MODE: 'fragment' },
        /^MICROSOFT_RESPONSE_MODE must be query or form_post; got "fragment"$/,
      ],
      [
        'a short session secret',
        { SESSION_SECRET: 'secret' },
        /^SESSION_SECRET must be at least 32 characters long \(it has 6\); generate one with: node -e/,
      ],
      [
        'production with Microsoft but no session secret',
        { ...MICROSOFT, NODE_ENV: 'production' },
        /^SESSION_SECRET is required when NODE_ENV is production: set it to a random string of at least 32 characters, the same on every instance$/,
      ],
      [
        'production without Microsoft credentials',
        { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) },
        /^NODE_ENV is production but MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are not set: the built-in emulator .* is for development only$/,
      ],
      [
        'a REDIS_URL that is not redis://',
        { REDIS_URL: 'http://user:pw@redis:6379' },
        /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL such as redis:\/\/localhost:6379; got "http:\/\/…@redis:6379"$/,
      ],
      [
        'a PORT that is not a number',
        { PORT: 'http' },
        /^PORT must be a TCP port number between 0 and 65535; got "http"$/,
      ],
      ['a PORT out of range', { PORT: '70000' }, /^PORT must be a TCP port number/],
      [
        'a malformed TRUST_PROXY',
        { TRUST_PROXY: 'yes please!' },
        /^TRUST_PROXY must be true, false, a number of proxy hops \(e.g. 1\), or a comma-separated list/,
      ],
    ];
    for (const [what, env, message] of cases) {
      it(`${what}`, () => {
        expect(configError(env)).to.match(message);
      });
    }

    it('never repeats the client secret in a message', () => {
      for (const env of [
        { MICROSOFT_CLIENT_SECRET: SECRET },
        { ...MICROSOFT, MICROSOFT_TENANT: '???' },
        { ...MICROSOFT, BASE_URL: 'http://app.example.com' },
      ]) {
        expect(configError(env)).not.to.include(SECRET);
      }
    });
  });

  /** The block after `<!-- start-banner` in example/README.md. */
  function readmeBanner(): string {
    const readme = readFileSync(path.join(ROOT, 'example', 'README.md'), 'utf8');
    const block = /<!-- start-banner[^>]*-->\s*```\n([\s\S]*?)```/.exec(readme)?.[1];
    if (block === undefined) throw new Error('example/README.md has no start-banner block');
    return block;
  }

  describe('npm start (example/server.ts)', function () {
    this.timeout(30_000);

    function run(env: Env): {
      child: ReturnType<typeof spawn>;
      output: () => { stdout: string; stderr: string };
    } {
      const clean: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        ...env,
      };
      const child = spawn(process.execPath, ['--import', 'tsx', 'example/server.ts'], {
        cwd: ROOT,
        env: clean,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      return { child, output: () => ({ stdout, stderr }) };
    }

    it('exits 1 with the configuration message and no stack trace on a half configuration', async () => {
      const { child, output } = run({ MICROSOFT_CLIENT_ID: ID });
      const [code] = (await once(child, 'exit')) as [number | null];
      const { stderr } = output();
      expect(code).to.equal(1);
      expect(stderr).to.include(
        'Configuration error: MICROSOFT_CLIENT_ID is set but MICROSOFT_CLIENT_SECRET is not',
      );
      expect(stderr).to.include('See example/.env.example');
      expect(stderr).not.to.match(/\n\s+at /);
    });

    it('zero-config: starts the emulator and the app, prints both URLs and the demo accounts, and a sign-in works; SIGTERM stops it', async () => {
      const { child, output } = run({ PORT: '0' });
      try {
        const deadline = Date.now() + 20_000;
        while (!/Press Ctrl\+C/.test(output().stdout)) {
          if (child.exitCode !== null || Date.now() > deadline)
            throw new Error(`server did not start: ${output().stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const { stdout } = output();
        const appURL = /Sample app:\s+(http:\/\/localhost:\d+)\//.exec(stdout)?.[1];
        const emulatorURL = /local emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
        expect(appURL, stdout).to.be.a('string');
        expect(emulatorURL, stdout).to.be.a('string');
        for (const account of [
          'avery.howard@outlook.com',
          'AdeleV@contoso.com',
          'jordan.lee@outlook.com',
          'sam.rivera@gmail.com',
          'kiosk01@contoso.onmicrosoft.com',
        ]) {
          expect(stdout).to.include(account);
        }
        expect(stdout).to.include('Sessions:        memory (this process only)');
        // example/README.md shows this banner, with the ports 3000 and 41234.
        const printed = stdout
          .replaceAll(appURL ?? '', 'http://localhost:3000')
          .replaceAll(emulatorURL ?? '', 'http://127.0.0.1:41234');
        expect(printed.trim()).to.equal(readmeBanner().trim());

        // The app listens on loopback; talk to 127.0.0.1 but keep the localhost URLs it hands out.
        const local = (appURL ?? '').replace('localhost', '127.0.0.1');
        const browser = new TestBrowser(appURL ?? '');
        browser.via = local;
        const home = await browser.get('/');
        expect(home.status).to.equal(200);
        expect(home.body).to.include('Sign in with Microsoft');
        const trace = await signIn(browser, 'personal');
        expect(
          trace.start.location?.startsWith(`${emulatorURL}/common/oauth2/v2.0/authorize?`),
        ).to.equal(true);
        expect(trace.emulator.kind).to.equal('redirect');
        expect(trace.callbackURL.startsWith(`${appURL}/login/callback?code=`)).to.equal(true);
        expect(trace.callback.location).to.equal('/profile');
        const page = await browser.get('/profile');
        expect(byId(page.body, 'display-name')).to.equal('Avery Howard');
      } finally {
        child.kill('SIGTERM');
        const [code] =
          child.exitCode !== null
            ? [child.exitCode]
            : ((await once(child, 'exit')) as [number | null]);
        expect(code).to.equal(0);
      }
    });
  });
});
