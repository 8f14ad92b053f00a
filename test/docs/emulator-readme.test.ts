/**
 * The code blocks of emulator/README.md: every TypeScript block compiles as an ES module (top-level
 * await, as the README writes them), with `microsoft-identity-emulator` and
 * `passport-microsoft-account` mapped to the sources. Its runnable examples (the Mocha test, the
 * plain fetch client) are run by runnable-examples.test.ts.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { compilerOptions } from './compile.js';
import { extractBlocks } from './markdown.js';

const ROOT = path.resolve(__dirname, '..', '..');
const README = path.join(ROOT, 'emulator', 'README.md');
const OUT_DIR = path.join(__dirname, '.emulator-readme-blocks');
const FETCH_CLIENT = 'With a plain fetch client';

interface Block {
  title: string;
  line: number;
  code: string;
  file: string;
}

function planBlocks(): Block[] {
  return extractBlocks(readFileSync(README, 'utf8'))
    .filter((block) => block.language === 'ts')
    .map((block, index) => ({
      ...block,
      file: path.join(
        OUT_DIR,
        `block-${String(index + 1).padStart(2, '0')}-line-${block.line}.mts`,
      ),
    }));
}

function removeGenerated(): void {
  for (const name of readdirSync(OUT_DIR))
    if (name !== '.gitignore') rmSync(path.join(OUT_DIR, name), { force: true });
}

describe('emulator/README.md code blocks', function () {
  this.timeout(120_000);
  const blocks = planBlocks();
  let program: ts.Program;

  before(() => {
    mkdirSync(OUT_DIR, { recursive: true });
    removeGenerated();
    for (const block of blocks) writeFileSync(block.file, block.code);
    program = ts.createProgram({
      rootNames: blocks.map((b) => b.file),
      options: { ...compilerOptions(ROOT), types: ['node', 'mocha'] },
    });
  });

  after(removeGenerated);

  it('shows the emulator in a test, with passport-microsoft-account and with a fetch client', () => {
    const titles = blocks.map((b) => b.title);
    expect(titles).to.include.members([
      'Start it',
      'With passport-microsoft-account',
      FETCH_CLIENT,
    ]);
  });

  for (const block of blocks) {
    it(`compiles: ${block.title} (emulator/README.md line ${block.line})`, () => {
      const source = program.getSourceFile(block.file);
      expect(source, `${block.file} is part of the program`).to.not.equal(undefined);
      if (source === undefined) return;
      const text = ts
        .getPreEmitDiagnostics(program, source)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
        .join('\n');
      expect(text, `emulator/README.md line ${block.line}`).to.equal('');
    });
  }
});
