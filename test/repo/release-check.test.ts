/**
 * scripts/check-release.mjs keeps both packages' versions and changelogs in step: one section per
 * release, `## Unreleased` first, package.json's version equal to the newest released section's,
 * and at a release tag, the tag's version released in both changelogs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'check-release.mjs');

function check(args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const HEAD = '# Changelog\n\nIntro.\n\n';

describe('the release check (scripts/check-release.mjs)', () => {
  let dir = '';

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pma-release-check-'));
    mkdirSync(path.join(dir, 'emulator'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes both packages: [version, changelog sections] for the library, then the emulator. */
  function repo(library: [string, string], emulator: [string, string] = library): void {
    const write = (folder: string, name: string, [version, sections]: [string, string]): void => {
      writeFileSync(path.join(dir, folder, 'package.json'), JSON.stringify({ name, version }));
      writeFileSync(path.join(dir, folder, 'CHANGELOG.md'), `${HEAD}${sections}`);
    };
    write('', 'lib', library);
    write('emulator', 'emu', emulator);
  }

  it('passes on this repository', () => {
    const { status, output } = check([]);
    expect(output).to.include('versions and changelogs in step');
    expect(status).to.equal(0);
  });

  it('passes before the first release (Unreleased only) and after releases', () => {
    repo(['0.1.0', '## Unreleased\n\n### Added\n\n- x\n']);
    expect(check(['--root', dir]).status).to.equal(0);
    repo(['0.2.0', '## Unreleased\n\n## 0.2.0 - 2027-01-02\n\n## 0.1.0 - 2026-12-10\n']);
    expect(check(['--root', dir]).status).to.equal(0);
  });

  it('refuses two Unreleased sections and an "X.Y.Z - Unreleased" heading', () => {
    repo(['0.1.0', '## Unreleased\n\n## 0.1.0 - Unreleased\n']);
    const { status, output } = check(['--root', dir]);
    expect(status).to.equal(1);
    expect(output).to.include('"## 0.1.0 - Unreleased" is neither');
    repo(['0.1.0', '## Unreleased\n\n## 0.1.0 - 2026-12-10\n\n## Unreleased\n']);
    expect(check(['--root', dir]).output).to.include('"## Unreleased" must be the first section');
  });

  it('refuses a version that is not the newest released section, and two sections of one version', () => {
    repo(['0.2.0', '## Unreleased\n\n## 0.1.0 - 2026-12-10\n']);
    const bumped = check(['--root', dir]);
    expect(bumped.status).to.equal(1);
    expect(bumped.output).to.include('package.json says 0.2.0');
    repo(['0.1.0', '## 0.1.0 - 2026-12-10\n\n## 0.1.0 - 2026-12-09\n']);
    expect(check(['--root', dir]).output).to.include('0.1.0 has more than one section');
  });

  it('refuses packages with different versions', () => {
    repo(['0.1.0', '## Unreleased\n'], ['0.2.0', '## Unreleased\n']);
    const { status, output } = check(['--root', dir]);
    expect(status).to.equal(1);
    expect(output).to.include('must have one version: lib 0.1.0, emu 0.2.0');
  });

  it('at a tag: passes when both changelogs release that version first, else names the problem', () => {
    repo(['0.1.0', '## 0.1.0 - 2026-12-10\n']);
    expect(check(['--root', dir, 'v0.1.0']).status).to.equal(0);
    const wrongTag = check(['--root', dir, 'v0.1.1']);
    expect(wrongTag.status).to.equal(1);
    expect(wrongTag.output).to.include("tag v0.1.1 does not match lib's version 0.1.0");
    repo(['0.1.0', '## Unreleased\n']);
    const unreleased = check(['--root', dir, 'v0.1.0']);
    expect(unreleased.status).to.equal(1);
    expect(unreleased.output).to.include('the first section must be "## 0.1.0 - YYYY-MM-DD"');
  });
});
