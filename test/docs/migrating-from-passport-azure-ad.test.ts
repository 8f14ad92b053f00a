/**
 * docs/migrating-from-passport-azure-ad.md maps every option passport-azure-ad 4.3.5 reads. The
 * option names are taken from the installed source (a devDependency pinned to 4.3.5), not from a
 * list written by hand: `options.X` and `this._options.X` / `self._options.X` reads outside
 * comments, the names its strategies copy from the options by name (`copyObjectFields`), and the
 * reads of metadata.js, which both strategies hand their options to. Each guide table must list
 * exactly those names (plus the ones the issue names that the source does not read), each with a
 * mapping.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from './markdown.js';

const PACKAGE = path.dirname(require.resolve('passport-azure-ad/package.json'));
const GUIDE = path.join(ROOT, 'docs', 'migrating-from-passport-azure-ad.md');

/**
 * Names read through `options` that are not options a user sets, and why: the strategy computes
 * them itself from `identityMetadata` (`isCommonEndpoint`, `_isCommonEndpoint`, `_isV2`), or the
 * read is a bug (`options.length`, where bearerstrategy.js meant `options.audience.length`).
 */
const NOT_USER_OPTIONS = new Set(['isCommonEndpoint', '_isCommonEndpoint', '_isV2', 'length']);

/** The options the issue lists, so a name the source stops reading still keeps its row. */
const LISTED = {
  oidc: [
    'identityMetadata',
    'responseType',
    'responseMode',
    'redirectUrl',
    'allowHttpForRedirectUrl',
    'clientSecret',
    'thumbprint',
    'privatePEMKey',
    'isB2C',
    'policyName',
    'validateIssuer',
    'issuer',
    'audience',
    'allowMultiAudiencesInToken',
    'useCookieInsteadOfSession',
    'cookieEncryptionKeys',
    'cookieSameSite',
    'cookieDomain',
    'jweKeyStore',
    'sessionKey',
    'nonceLifetime',
    'nonceMaxAmount',
    'clockSkew',
    'scope',
    'loggingLevel',
    'loggingNoPII',
    'passReqToCallback',
    'proxy',
    'tenantIdOrName',
    'customState',
    'resourceURL',
    'domain_hint',
    'login_hint',
    'prompt',
    'extraAuthReqQueryParams',
    'extraTokenReqQueryParams',
  ],
  bearer: [
    'identityMetadata',
    'clientID',
    'audience',
    'validateIssuer',
    'issuer',
    'isB2C',
    'policyName',
    'allowMultiAudiencesInToken',
    'ignoreExpiration',
    'scope',
    'clockSkew',
    'passReqToCallback',
    'loggingLevel',
    'loggingNoPII',
    'proxy',
    'tenantIdOrName',
  ],
};

/** The source without comment lines (the doc comments name options in prose). */
function code(file: string): string {
  return readFileSync(path.join(PACKAGE, 'lib', file), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .join('\n');
}

function matches(source: string, pattern: RegExp): string[] {
  return [...source.matchAll(pattern)].map((m) => m[1] ?? '');
}

/** Options a strategy file reads: the constructor's and the per-request ones. */
function optionsRead(file: string): { all: Set<string>; perRequest: Set<string> } {
  const source = code(file);
  const names = matches(source, /(?<![\w$])_?options\.([A-Za-z_$][\w$]*)/g);
  // aadutils.copyObjectFields(options, target, ["clientID", ...]) reads the listed names.
  for (const list of matches(
    source,
    /copyObjectFields\(\s*(?:self\._)?options\s*,[^[]*\[([^\]]*)\]/g,
  ))
    names.push(...matches(list, /"([^"]+)"/g));
  // Both strategies hand their options to new Metadata(url, 'oidc', options), which reads some.
  if (/new Metadata\(/.test(source))
    names.push(...matches(code('metadata.js'), /(?<![\w$])options\.([A-Za-z_$][\w$]*)/g));
  // authenticate(req, options) reads the per-request options as `options && options.X`.
  const perRequest = new Set(matches(source, /options && options\.([A-Za-z_$][\w$]*)/g));
  return { all: new Set(names.filter((n) => !NOT_USER_OPTIONS.has(n))), perRequest };
}

/** The first-column option names of the table under `heading`, with their mapping cells. */
function table(heading: string): Map<string, string> {
  const guide = readFileSync(GUIDE, 'utf8');
  const start = guide.indexOf(`\n## ${heading}\n`);
  expect(start, heading).to.be.greaterThan(-1);
  const rows = new Map<string, string>();
  const lines = guide.slice(start).split('\n').slice(2);
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const [, first = '', second = ''] = line.split('|').map((cell) => cell.trim());
    const name = /^`([^`]+)`$/.exec(first)?.[1];
    if (name !== undefined) rows.set(name, second);
  }
  return rows;
}

describe('docs/migrating-from-passport-azure-ad.md', () => {
  it('is checked against passport-azure-ad 4.3.5', () => {
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(pkg.version).to.equal('4.3.5');
  });

  const cases = [
    { key: 'oidc', file: 'oidcstrategy.js', title: 'OIDCStrategy' },
    { key: 'bearer', file: 'bearerstrategy.js', title: 'BearerStrategy' },
  ] as const;
  for (const { key, file, title } of cases) {
    describe(title, () => {
      const read = optionsRead(file);
      const constructor = table(`${title}: strategy options`);
      const perRequest = table(`${title}: per-request options`);

      it(`finds the options ${file} reads, the ones the issue lists among them`, () => {
        expect(read.all.size).to.be.greaterThan(10);
        const notRead = LISTED[key].filter((n) => !read.all.has(n));
        // OIDCStrategy reads its B2C policy from the login request's `p` parameter, not policyName.
        expect(notRead).to.deep.equal(key === 'oidc' ? ['policyName'] : []);
      });

      it('maps every option read and listed, and no other, each to something', () => {
        const documented = [...constructor.keys(), ...perRequest.keys()];
        expect(new Set(documented).size, 'no option twice').to.equal(documented.length);
        expect([...documented].sort()).to.deep.equal(
          [...new Set([...read.all, ...LISTED[key]])].sort(),
        );
        for (const [name, mapping] of [...constructor, ...perRequest])
          expect(mapping, name).to.match(/\w/);
      });

      it('puts the per-request options (read in authenticate) in their own table', () => {
        expect([...perRequest.keys()].sort()).to.deep.equal([...read.perRequest].sort());
      });
    });
  }
});
