/**
 * Test titles describe behaviour: none cites a tracker number ("issue 13", "#13", "(point 4)"),
 * which means nothing to a reader of the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');
const FOLDERS = ['test', 'emulator/test'];

const TRACKER =
  /\b(?:issues?|bugs?|tickets?|pull requests?|PR)\s*#?\d+|(?<![\w&])#\d+\b|\(\s*points?\s+\d+/i;

/** The titles of the `describe`/`context`/`it`/`specify` calls of a source text, with lines. */
function titles(source: string): { title: string; line: number }[] {
  const calls =
    /\b(?:describe|context|it|specify)(?:\.only|\.skip)?\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|`((?:\\.|[^`\\])*)`)/g;
  return [...source.matchAll(calls)].map((match) => ({
    title: match[1] ?? match[2] ?? match[3] ?? '',
    line: source.slice(0, match.index).split('\n').length,
  }));
}

function testFiles(): string[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.split(path.sep).includes('artifacts'))
      .map((file) => path.join(folder, file)),
  )
    .filter((file) => file !== path.join('test', 'repo', 'test-titles.test.ts')) // its examples
    .sort();
}

describe('test titles', () => {
  it('the title reader finds titles that cite tracker numbers', () => {
    const source = [
      "describe('error callbacks (issue 13 point 1)', () => {",
      '  it(`fixes #42`, () => {});',
      '  it.skip(',
      '    "risky configuration (points 4 and 5)",',
      '    () => {},',
      '  );',
      "  it('escapes &#39; and keeps 16 hex digits', () => {});",
      '});',
    ].join('\n');
    const cited = titles(source).filter(({ title }) => TRACKER.test(title));
    expect(cited.map(({ line }) => line)).to.deep.equal([1, 2, 3]);
  });

  it('no test title cites a tracker number', () => {
    const files = testFiles();
    let count = 0;
    const cited: string[] = [];
    for (const file of files) {
      for (const { title, line } of titles(readFileSync(path.join(ROOT, file), 'utf8'))) {
        count++;
        if (TRACKER.test(title)) cited.push(`${file}:${line} ${title}`);
      }
    }
    expect(count, 'titles read').to.be.above(500);
    expect(cited).to.deep.equal([]);
  });
});
