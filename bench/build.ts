/**
 * Loads modules of this package's compiled build, so the bench measures what is published: the
 * compiled dist/ build (`npm run bench` builds it first), the same plain JavaScript the other
 * contenders run from node_modules, not the TypeScript sources through the tsx loader.
 * BENCH_DIST names another build folder (the bench's smoke test compiles the sources it tests into one).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const BUILD = path.resolve(process.env['BENCH_DIST'] ?? path.join(__dirname, '..', 'dist'));

/** `require` of `relative` (e.g. `index.js`, `tokens/id-token.js`) in the build folder. */
export function fromBuild<T>(relative: string): T {
  const file = path.join(BUILD, relative);
  if (!existsSync(file)) {
    throw new Error(
      process.env['BENCH_DIST'] === undefined
        ? `bench: ${file} is missing; run npm run build first (npm run bench does)`
        : `bench: ${file} is missing; BENCH_DIST must name a folder built with tsc -p tsconfig.build.json`,
    );
  }
  return require(file) as T;
}
