/**
 * The guide "Test your app's Microsoft sign-in in CI" of emulator/README.md: its table lists every
 * test file of this tier and links to recipes that exist, and every recipe is run by a test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { headingAnchors } from '../docs/markdown.js';
import { README } from './recipes.js';

const GUIDE = "## Test your app's Microsoft sign-in in CI";

function guideText(): string {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(GUIDE);
  expect(start, GUIDE).to.be.greaterThan(-1);
  const end = text.indexOf('\n## ', start + GUIDE.length);
  return text.slice(start, end < 0 ? undefined : end);
}

function tableRows(guide: string): string[] {
  const start = guide.indexOf('### Clients and flows tested');
  return guide
    .slice(start)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1);
}

describe("interop: the emulator README's CI guide", () => {
  const guide = guideText();
  const testFiles = readdirSync(__dirname).filter(
    (f) => f.endsWith('.test.ts') && f !== path.basename(__filename),
  );

  it('lists every interop test file in its table', () => {
    const rows = tableRows(guide).join('\n');
    for (const file of testFiles) expect(rows, file).to.contain(`test/interop/${file}`);
  });

  it('links each row to a heading of the README', () => {
    const anchors = headingAnchors(readFileSync(README, 'utf8'));
    const links = tableRows(guide).flatMap((row) =>
      [...row.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? ''),
    );
    expect(links.length).to.be.greaterThan(5);
    for (const link of links) expect([...anchors], link).to.include(link);
  });

  it('runs every recipe heading of the guide in a test', () => {
    const sources = testFiles.map((f) => readFileSync(path.join(__dirname, f), 'utf8')).join('\n');
    const recipes = [...guide.matchAll(/^### (.+)$/gm)]
      .map((m) => m[1] ?? '')
      .filter(
        (h) =>
          ![
            'Start it in CI',
            'Clients and flows tested',
            'Faults in CI',
            'What it does not emulate',
          ].includes(h),
      );
    expect(recipes.length).to.equal(8);
    for (const title of recipes) expect(sources, title).to.contain(`'${title}'`);
  });
});
