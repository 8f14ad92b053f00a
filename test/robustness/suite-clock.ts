/**
 * Prints the robustness suite's run time once its last file finishes: each file calls
 * `timeSuite()` inside its top-level `describe`.
 */
let registered = 0;
let finished = 0;
let tests = 0;
let startedAt: number | undefined;

/** Registers the enclosing `describe` as part of the robustness suite's clock. */
export function timeSuite(): void {
  registered += 1;
  before(() => {
    startedAt ??= Date.now();
  });
  afterEach(() => {
    tests += 1;
  });
  after(() => {
    finished += 1;
    if (finished === registered && startedAt !== undefined) {
      console.log(
        `\n  robustness suite: ${tests} tests in ${registered} files, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
    }
  });
}
