/**
 * The layout of lib/ (see ARCHITECTURE.md): every import runs downward through the layers, no
 * import cycle exists (type-only imports included), and nothing under core/ knows Passport or a
 * state store.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)/g;

/**
 * The layers, top to bottom. A file may import files of its own layer (same folder) or of a lower
 * layer; layers on one line are siblings that do not import each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['entry'], // index.ts, index.mts, api.ts
  ['passport'],
  ['core'],
  ['tokens'],
  ['clients'],
  ['profile', 'state'],
  ['config'],
  ['types'], // types.ts and types/
  ['errors', 'log'],
];

/** The layer name of a lib/ file: its folder, or the file's own name at the top of lib/. */
function layerOf(file: string): string {
  const rel = path.relative(LIB, file).split(path.sep);
  if (rel.length > 1) return rel[0] ?? '';
  const base = path.basename(file).replace(/\.m?ts$/, '');
  return base === 'index' || base === 'api' ? 'entry' : base;
}

function rankOf(layer: string): number {
  const rank = LAYERS.findIndex((names) => names.includes(layer));
  if (rank < 0)
    throw new Error(`lib/${layer} is in no layer of this test (and of ARCHITECTURE.md)`);
  return rank;
}

function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return libFiles(full);
    return /\.m?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier of a file (type-only imports and re-exports included). */
function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The lib/ files a file imports. */
function localImports(file: string): string[] {
  return specifiers(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s.replace(/\.(m?)js$/, '.$1ts')));
}

/** A cycle of the graph (as a list of nodes, first repeated last), or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('unit: the layout of lib/', () => {
  const files = libFiles();
  const graph = new Map(files.map((f) => [f, localImports(f)]));
  const rel = (f: string): string => path.relative(LIB, f);

  it('reads every lib/ file and its imports', () => {
    expect(files.length).to.be.greaterThan(40);
    expect(graph.get(path.join(LIB, 'passport', 'strategy.ts'))).to.include(
      path.join(LIB, 'core', 'steps.ts'),
    );
  });

  it('finds a cycle when there is one (the check below can fail)', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycle(cyclic)).to.deep.equal(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']]]))).to.equal(undefined);
  });

  it('has no import cycle, type-only imports included', () => {
    const cycle = findCycle(graph);
    expect(cycle?.map(rel), 'import cycle').to.equal(undefined);
  });

  it('imports only downward: each file imports its own folder or a lower layer', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      for (const target of imports) {
        const to = layerOf(target);
        if (to === from) continue;
        if (rankOf(to) <= rankOf(from)) upward.push(`${rel(file)} -> ${rel(target)}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });

  it('keeps Passport and the state stores out of the core', () => {
    const offenders: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === 'core')) {
      for (const s of specifiers(file))
        if (/^passport/.test(s) || /\/(passport|state)\//.test(s) || s.includes('types/passport'))
          offenders.push(`${rel(file)} imports ${s}`);
      const text = readFileSync(file, 'utf8').replaceAll('passport-microsoft-account', '');
      if (/passport|SessionStateStore|CookieStateStore|\bfail\(/i.test(text))
        offenders.push(`${rel(file)} names Passport, a state store or a Passport action`);
    }
    expect(offenders).to.deep.equal([]);
  });
});
