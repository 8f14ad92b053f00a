/**
 * CONTRIBUTING.md and SECURITY.md stay true to the repository: the files and folders they name
 * exist, the test-tier table lists every folder that holds tests, their links resolve, and the
 * rules they state are the ones the repository checks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { headingAnchors, linkTargets } from '../docs/markdown.js';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** Written with the layout of lib/ (work in progress); checked once it exists. */
const LANDING = new Set(['ARCHITECTURE.md']);
const missing = (file: string): boolean => !existsSync(path.join(ROOT, file)) && !LANDING.has(file);

const contributing = read('CONTRIBUTING.md');
const security = read('SECURITY.md');

/** The backticked repository paths of a Markdown text (`lib/…`, `docs/…`, `.github/…`, …). */
function repositoryPaths(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [
    ...new Set(
      [...prose.matchAll(/`((?:lib|docs|test|emulator|scripts|example|\.github|\.ci)\/[^`\s]*)`/g)]
        .map((match) => match[1] ?? '')
        .map((file) => file.replace(/\/$/, '')),
    ),
  ];
}

/** The folders under test/ (and emulator/test) whose tracked files hold tests, as `test/<folder>/`. */
function testFolders(): string[] {
  const tracked = execFileSync('git', ['ls-files', 'test'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.test\.ts$|\.(?:cts|mts)$/.test(file));
  const folders = [...new Set(tracked.map((file) => file.split('/')[1]))]
    .filter((name): name is string => name !== undefined && !name.includes('.'))
    .map((name) => `test/${name}/`);
  return [...folders, 'emulator/test/'].sort();
}

describe('CONTRIBUTING.md and SECURITY.md', () => {
  it('name files and folders that exist', () => {
    const named = [...repositoryPaths(contributing), ...repositoryPaths(security)];
    expect(named).to.include.members(['lib/config/options.ts', 'docs/options.md']);
    expect(named.filter(missing)).to.deep.equal([]);
  });

  it('list every test folder in the test-tier table, and no other', () => {
    const table = [...contributing.matchAll(/^\| `((?:emulator\/)?test\/[^`]*)`/gm)].map(
      (match) => match[1] ?? '',
    );
    expect([...table].sort()).to.deep.equal(testFolders());
  });

  it('have links that resolve', () => {
    const broken: string[] = [];
    for (const [file, markdown] of [
      ['CONTRIBUTING.md', contributing],
      ['SECURITY.md', security],
    ] as const) {
      for (const target of linkTargets(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [linked = '', anchor] = target.split('#');
        const resolved = linked === '' ? file : linked;
        if (missing(resolved)) broken.push(`${file}: ${target}`);
        else if (!existsSync(path.join(ROOT, resolved))) continue;
        else if (anchor !== undefined && !headingAnchors(read(resolved)).has(anchor))
          broken.push(`${file}: ${target} (no heading)`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('state the commit-message rule, the changelog heading and the runtime dependency checked elsewhere', () => {
    expect(contributing).to.include('A subject of at most 72 characters');
    expect(contributing).to.include('under the first `## Unreleased` heading');
    expect(read('CHANGELOG.md').split('\n')).to.include('## Unreleased');
    const runtime = Object.keys(
      (JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies,
    );
    expect(contributing).to.include(`\`${runtime.join('`, `')}\` alone`);
  });

  it('tell how to report a vulnerability privately, and put the emulator in scope as a test tool only', () => {
    expect(security).to.match(/^## Reporting a vulnerability$/m);
    expect(security).to.include(
      'https://github.com/passport-microsoft-account/passport-microsoft-account/security/advisories/new',
    );
    expect(security).to.match(/^## Supported versions$/m);
    expect(security).to.match(/^## Scope$/m);
    expect(security).to.include('is a test tool only');
    expect(contributing).to.include('[SECURITY.md](SECURITY.md)');
  });
});
