/**
 * Loads jose (ESM-only) once from this CommonJS package. Node keeps `import()` as a real dynamic
 * import, so this works on every supported Node version without require(esm).
 */
// The library's lint project reads this file through tsconfig paths with bundler resolution, where
// the resolution-mode attribute does not apply; the emulator's own build resolves it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

let loading: Promise<Jose> | undefined;

/** Resolves with the jose module, importing it on first use. */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
