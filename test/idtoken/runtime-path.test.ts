/**
 * The library's runtime path (everything `lib/index.ts` and `lib/index.mts` import, transitively)
 * verifies ID tokens with node:crypto and never loads jose; jose is the differential test's
 * reference, and the emulator's.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const LIB = path.resolve(__dirname, '../../lib');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Every module specifier of every lib/ file reachable from `entries`. */
function importGraph(entries: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const todo = [...entries];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (graph.has(file)) continue;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    graph.set(file, specifiers);
    for (const s of specifiers)
      if (s.startsWith('.')) todo.push(path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return graph;
}

describe('ID tokens: the runtime path', () => {
  it('never imports jose or lib/jose.ts from the library entry points', () => {
    const graph = importGraph([path.join(LIB, 'index.ts'), path.join(LIB, 'index.mts')]);
    expect(graph.has(path.join(LIB, 'tokens', 'jwt.ts')), 'the walk reaches the verifier').to.equal(
      true,
    );
    const offenders = [...graph]
      .filter(([, specifiers]) =>
        specifiers.some((s) => s === 'jose' || s.startsWith('jose/') || s.endsWith('/jose.js')),
      )
      .map(([file]) => path.relative(LIB, file));
    expect(offenders).to.deep.equal([]);
  });
});
