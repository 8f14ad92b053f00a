/**
 * The public API has one source, lib/api.ts: the ES module entry (lib/index.mts) and the CommonJS
 * entry (lib/index.ts) export exactly its values and types, and nothing internal.
 */
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import * as api from '../../lib/api.js';
import Entry = require('../../lib/index.js');

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const CONSUMER = path.join(__dirname, 'api-consumer.cts');
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  exactOptionalPropertyTypes: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/** Names a module exports, split into values and types (a class is both: listed as a value). */
function exportsOf(
  checker: ts.TypeChecker,
  file: ts.SourceFile,
): { values: string[]; types: string[] } {
  const symbol = checker.getSymbolAtLocation(file);
  if (symbol === undefined) throw new Error(`${file.fileName} is not a module`);
  const values: string[] = [];
  const types: string[] = [];
  for (const s of checker.getExportsOfModule(symbol)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const typeOnly = s.declarations?.some(
      (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
    );
    if (target.flags & ts.SymbolFlags.Value && !typeOnly) values.push(s.name);
    else types.push(s.name);
  }
  return { values: values.sort(), types: types.sort() };
}

/** A CommonJS TypeScript file that imports every type and reads every value of the package. */
function consumerSource(values: string[], types: string[]): string {
  return [
    `import type { ${types.join(', ')} } from '../../lib/index.js';`,
    `import Entry = require('../../lib/index.js');`,
    ...types.map((t, i) => `export type T${i} = ${t};`),
    `export const values = [${values.map((v) => `Entry.${v}`).join(', ')}];`,
  ].join('\n');
}

describe('unit: one public API (lib/api.ts) for both entries', function () {
  this.timeout(60_000);
  let program: ts.Program;
  let source: { values: string[]; types: string[] };

  before(() => {
    const host = ts.createCompilerHost(OPTIONS);
    const files = [
      path.join(LIB, 'api.ts'),
      path.join(LIB, 'index.mts'),
      path.join(LIB, 'index.ts'),
    ];
    program = ts.createProgram(files, OPTIONS, host);
    source = exportsOf(program.getTypeChecker(), program.getSourceFile(files[0] ?? '')!);
  });

  it('lists values and types, with the sign-in and the types users name in it', () => {
    expect(source.values).to.include.members(['Strategy', 'MicrosoftSignIn', 'CookieStateStore']);
    expect(source.types).to.include.members(['StepUpResult', 'AllowedTenants', 'LogoutUrlOptions']);
  });

  it('the ES module entry exports exactly api.ts, plus the default export', () => {
    const checker = program.getTypeChecker();
    const esm = exportsOf(checker, program.getSourceFile(path.join(LIB, 'index.mts'))!);
    expect(esm.values.filter((v) => v !== 'default')).to.deep.equal(source.values);
    expect(esm.types).to.deep.equal(source.types);
  });

  it('the ES module entry exports no internal type', () => {
    const checker = program.getTypeChecker();
    const esm = exportsOf(checker, program.getSourceFile(path.join(LIB, 'index.mts'))!);
    const all = [...esm.values, ...esm.types];
    for (const internal of ['ResolvedConfig', 'OAuth2StrategyBase', 'PassportOnlyOption'])
      expect(all, internal).not.to.include(internal);
  });

  it('a CommonJS TypeScript project imports every type and reads every value of api.ts', () => {
    const text = consumerSource(source.values, source.types);
    const host = ts.createCompilerHost(OPTIONS);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      path.resolve(name) === CONSUMER
        ? ts.createSourceFile(name, text, language)
        : getSourceFile(name, language, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === CONSUMER || fileExists(name);
    const consumer = ts.createProgram([CONSUMER], OPTIONS, host);
    const problems = ts
      .getPreEmitDiagnostics(consumer)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).to.deep.equal([]);
  });

  it("require() gives api.ts's values, the very same objects", () => {
    const values = api as unknown as Record<string, unknown>;
    const entry = Entry as unknown as Record<string, unknown>;
    for (const name of source.values) expect(entry[name], name).to.equal(values[name]);
    expect(Entry.default).to.equal(api.Strategy);
  });
});
