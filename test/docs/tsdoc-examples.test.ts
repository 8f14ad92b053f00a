/**
 * Every `@example` block in the sources' TSDoc compiles, as a user would write it: each block is a
 * module of its own, importing from `passport-microsoft-account` or `microsoft-identity-emulator`
 * (both mapped to the sources). The library's sources are in lib/, the emulator's in emulator/src/.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { compilerOptions } from './compile.js';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIRS = [path.join(ROOT, 'lib'), path.join(ROOT, 'emulator', 'src')];
const OUT_DIR = path.join(__dirname, '.tsdoc-blocks');

interface Example {
  /** Where the block is, e.g. `lib/passport/strategy.ts:154` or `emulator/src/index.ts:41`. */
  where: string;
  file: string;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The fenced ```ts blocks that follow an `@example` tag inside doc comments. */
export function extractExamples(source: string): Array<{ line: number; code: string }> {
  const lines = source.split('\n');
  const out: Array<{ line: number; code: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i] ?? '')) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\s*```(ts|typescript)\s*$/.test(lines[j] ?? '')) {
      if (/^\s*\*\s*@\w+/.test(lines[j] ?? '') || /\*\//.test(lines[j] ?? '')) break;
      j++;
    }
    if (!/```/.test(lines[j] ?? '')) continue;
    const body: string[] = [];
    for (j++; j < lines.length && !/^\s*\*\s*```\s*$/.test(lines[j] ?? ''); j++)
      body.push((lines[j] ?? '').replace(/^\s*\* ?/, ''));
    out.push({ line: i + 1, code: `${body.join('\n')}\nexport {};\n` });
    i = j;
  }
  return out;
}

function plan(): Example[] {
  return SOURCE_DIRS.flatMap(sourceFiles).flatMap((file) =>
    extractExamples(readFileSync(file, 'utf8')).map((e, n) => ({
      where: `${path.relative(ROOT, file)}:${e.line}`,
      file: path.join(OUT_DIR, `${path.relative(ROOT, file).replace(/[\\/.]/g, '_')}-${n + 1}.mts`),
      code: e.code,
    })),
  );
}

function clean(): void {
  for (const name of readdirSync(OUT_DIR))
    if (name !== '.gitignore') rmSync(path.join(OUT_DIR, name), { force: true });
}

describe('TSDoc @example blocks compile', function () {
  this.timeout(120_000);
  const examples = plan();
  let program: ts.Program;

  before(() => {
    mkdirSync(OUT_DIR, { recursive: true });
    clean();
    for (const e of examples) writeFileSync(e.file, e.code);
    program = ts.createProgram({
      rootNames: examples.map((e) => e.file),
      options: {
        ...compilerOptions(ROOT),
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
      },
    });
  });

  after(clean);

  it('finds the examples of the public API (Strategy, refresh, logoutUrl, parseAadsts, startEmulator, completeLogin)', () => {
    expect(examples.length).to.be.at.least(6);
    const uses: Record<string, RegExp> = {
      Strategy: /\bnew Strategy\(/,
      refresh: /\.refresh\(/,
      logoutUrl: /\.logoutUrl\(/,
      parseAadsts: /\bparseAadsts\(/,
      startEmulator: /\bstartEmulator\(/,
      completeLogin: /\bcompleteLogin\(/,
    };
    for (const [api, use] of Object.entries(uses)) {
      expect(
        examples.some((e) => use.test(e.code)),
        `no @example uses ${api}`,
      ).to.equal(true);
    }
  });

  for (const example of examples) {
    it(`${example.where}`, () => {
      const source = program.getSourceFile(example.file);
      expect(source).to.not.equal(undefined);
      if (source === undefined) return;
      const text = ts
        .getPreEmitDiagnostics(program, source)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
        .join('\n');
      expect(text, `${example.where}:\n${example.code}`).to.equal('');
    });
  }
});
