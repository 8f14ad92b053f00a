// Checks that the versions and changelogs of both packages are in step (CONTRIBUTING.md,
// "Releasing"). Both packages are released together with one version. In each changelog the
// sections are `## Unreleased` (at most one, first) and `## X.Y.Z - YYYY-MM-DD`, newest first, one
// per release; package.json's version is the newest dated section's version (before the first
// release, when there is none, the version the first release will carry).
// Usage: node scripts/check-release.mjs [--root DIR] [vX.Y.Z]
// With a tag (the release workflow passes it), also: the tag is v<version> and each changelog's
// first section is that version's, with a date.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const RELEASED = /^## (\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?) - (\d{4}-\d{2}-\d{2})$/;

/** The `## ` headings of a changelog, read as releases; problems go to `problems`. */
export function readSections(markdown, file, problems) {
  const sections = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('## ')) continue;
    if (line === '## Unreleased') {
      if (sections.length > 0) problems.push(`${file}: "## Unreleased" must be the first section`);
      sections.push({ version: undefined, heading: line });
      continue;
    }
    const match = RELEASED.exec(line);
    if (!match) {
      problems.push(
        `${file}: "${line}" is neither "## Unreleased" nor "## X.Y.Z - YYYY-MM-DD" (one section per release)`,
      );
      continue;
    }
    const version = match[1];
    if (sections.some((section) => section.version === version))
      problems.push(`${file}: ${version} has more than one section`);
    sections.push({ version, heading: line });
  }
  if (sections.length === 0) problems.push(`${file}: no "## Unreleased" or release section`);
  return sections;
}

/**
 * The problems found in the packages and changelogs, given as `{ name, version, changelog,
 * changelogFile }` objects; empty when they are in step. `tag` is the pushed tag, if any.
 */
export function releaseProblems(packages, tag) {
  const problems = [];
  const versions = new Set(packages.map((pkg) => pkg.version));
  if (versions.size !== 1)
    problems.push(
      `the packages are released together and must have one version: ${packages
        .map((pkg) => `${pkg.name} ${pkg.version}`)
        .join(', ')}`,
    );
  for (const pkg of packages) {
    if (!SEMVER.test(pkg.version)) problems.push(`${pkg.name}: "${pkg.version}" is not X.Y.Z`);
    const sections = readSections(pkg.changelog, pkg.changelogFile, problems);
    const released = sections.filter((section) => section.version !== undefined);
    if (released.length > 0 && released[0].version !== pkg.version)
      problems.push(
        `${pkg.name}: package.json says ${pkg.version}, the newest release in ${pkg.changelogFile} is "${released[0].heading}"`,
      );
    if (tag !== undefined) {
      if (tag !== `v${pkg.version}`)
        problems.push(`tag ${tag} does not match ${pkg.name}'s version ${pkg.version}`);
      const first = sections[0];
      if (first === undefined || first.version !== pkg.version)
        problems.push(
          `${pkg.changelogFile}: the first section must be "## ${pkg.version} - YYYY-MM-DD" for tag ${tag}`,
        );
    }
  }
  return problems;
}

/** The two packages of this repository, read from disk. */
export function repositoryPackages(root) {
  return [
    ['package.json', 'CHANGELOG.md'],
    ['emulator/package.json', 'emulator/CHANGELOG.md'],
  ].map(([manifest, changelogFile]) => {
    const { name, version } = JSON.parse(readFileSync(path.join(root, manifest), 'utf8'));
    const changelog = readFileSync(path.join(root, changelogFile), 'utf8');
    return { name, version, changelog, changelogFile };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--root');
  const root =
    at === -1
      ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
      : path.resolve(args.splice(at, 2)[1] ?? '.');
  const tag = args[0];
  const problems = releaseProblems(repositoryPackages(root), tag);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log(`versions and changelogs in step${tag === undefined ? '' : ` for ${tag}`}`);
}
