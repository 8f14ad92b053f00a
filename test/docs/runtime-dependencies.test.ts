/**
 * What the documentation says the packages depend on at run time matches package.json: a sentence
 * that states the runtime dependencies ("depends only on …", "One runtime dependency: …") names
 * exactly the `dependencies` of its package, and one that says a package is not (or no longer) a
 * runtime dependency names none of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { documentationFiles, ROOT } from './markdown.js';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function manifest(file: string): Manifest {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Manifest;
}

/** The sentences of a Markdown text outside fenced code blocks, with line breaks joined. */
function sentences(markdown: string): string[] {
  const prose = markdown.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2\s*$/gm, '');
  return prose
    .split(/\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)|\n(?=#)/)
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .flatMap((block) => block.split(/(?<=[.!?])\s+(?=[A-Z`*[(])/));
}

const STATES =
  /\bdepends only on\b|\bpackage depends on\b|\bruntime dependenc(?:y|ies)\b|\bhas (?:one|two|three|no) dependenc/i;
const DENIES = /\b(?:not|no longer|never)\b[^.;:]*\bruntime dependenc/i;

/**
 * The problems in `markdown`'s statements about runtime dependencies: `runtime` is the package's
 * `dependencies`, `known` the package names a sentence may mention.
 */
function dependencyProblems(
  markdown: string,
  runtime: readonly string[],
  known: readonly string[],
): { problems: string[]; statements: number } {
  const problems: string[] = [];
  let statements = 0;
  for (const sentence of sentences(markdown)) {
    if (!STATES.test(sentence)) continue;
    statements++;
    const named = known.filter((name) => {
      const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return new RegExp(`(?<![\\w@/.-])${escaped}(?![\\w/-])`).test(sentence);
    });
    if (DENIES.test(sentence)) {
      const wrong = named.filter((name) => runtime.includes(name));
      if (wrong.length > 0)
        problems.push(`"${sentence}" says ${wrong.join(', ')} is not a runtime dependency`);
    } else if ([...named].sort().join(',') !== [...runtime].sort().join(',')) {
      problems.push(
        `"${sentence}" names ${named.join(', ') || 'no package'}; package.json's dependencies are ${runtime.join(', ')}`,
      );
    }
  }
  return { problems, statements };
}

const library = manifest('package.json');
const emulator = manifest('emulator/package.json');
const KNOWN = [
  ...new Set(
    [library, emulator].flatMap((pkg) => [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.devDependencies ?? {}),
    ]),
  ),
];

const LIBRARY_DOCS = [
  ...documentationFiles(),
  ...['CONTRIBUTING.md', 'SECURITY.md', 'ARCHITECTURE.md'].filter((file) =>
    existsSync(path.join(ROOT, file)),
  ),
];

describe('runtime dependencies in the documentation', () => {
  it('finds a sentence naming passport-oauth2 and jose as runtime dependencies wrong', () => {
    const text = 'It ships types, depends only on `passport-oauth2` and `jose`, and more.\n';
    const { problems, statements } = dependencyProblems(text, ['passport-oauth2'], KNOWN);
    expect(statements).to.equal(1);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include('names passport-oauth2, jose');
    const denial =
      'The package verifies tokens itself; `passport-oauth2` is no longer a runtime\ndependency.';
    expect(dependencyProblems(denial, ['passport-oauth2'], KNOWN).problems).to.have.length(1);
  });

  it("the library's docs name exactly package.json's dependencies", () => {
    const runtime = Object.keys(library.dependencies ?? {});
    expect(runtime).to.include('passport-oauth2');
    let statements = 0;
    const problems: string[] = [];
    for (const file of LIBRARY_DOCS) {
      const found = dependencyProblems(readFileSync(path.join(ROOT, file), 'utf8'), runtime, KNOWN);
      statements += found.statements;
      problems.push(...found.problems.map((problem) => `${file}: ${problem}`));
    }
    expect(problems).to.deep.equal([]);
    // The README and the guides do state them (README "depends only on …", migrating.md).
    expect(statements).to.be.at.least(2);
  });

  it("the emulator's README names exactly its package.json's dependencies", () => {
    const runtime = Object.keys(emulator.dependencies ?? {});
    const markdown = readFileSync(path.join(ROOT, 'emulator', 'README.md'), 'utf8');
    const { problems, statements } = dependencyProblems(markdown, runtime, KNOWN);
    expect(problems).to.deep.equal([]);
    expect(statements).to.be.at.least(1); // "… and has two dependencies: jose and node-forge."
    // node-forge writes the HTTPS and x5c certificates (node:crypto cannot); the README says why.
    expect(runtime).to.deep.equal(['jose', 'node-forge']);
  });
});
