/**
 * The canonical-text shortcut of the strict JSON reader (`canonicalJson`) against the full check
 * (`parseStrictJsonFully`): whatever the shortcut accepts the full check accepts with the same
 * value, and `parseStrictJson` decides every text as the full check does.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  canonicalJson,
  parseStrictJson,
  parseStrictJsonFully,
} from '../../lib/tokens/strict-json.js';

/** Member names that collide once unescaped, plus `__proto__`. */
const NAMES = ['"a"', '"\\u0061"', '"b"', '"__proto__"', '"1"', '"exp"'];
/** Numbers spelled canonically, non-canonically and out of range. */
const NUMBERS = ['1', '1.0', '-0', '0.5', '1e3', '1e400', '-1e400', '17e-400', '1700000000'];
const SPACE = fc.constantFrom('', '', '', ' ', '\n');

/** JSON texts that may repeat member names, carry non-finite numbers or extra spaces. */
const jsonText = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NUMBERS, 'true', 'null', '"x"', '"\\u00e9"', '"é"'),
    fc
      .array(fc.tuple(fc.constantFrom(...NAMES), SPACE, tie('value')), { maxLength: 4 })
      .map((members) => `{${members.map(([n, s, v]) => `${n}:${s}${v}`).join(',')}}`),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;

describe('JWT reader: strict JSON shortcut', () => {
  it('decides generated texts (repeats, escapes, 1e400, spaces) as the full check does', () => {
    let shortcut = 0;
    fc.assert(
      fc.property(jsonText, (text) => {
        const full = parseStrictJsonFully(text);
        const fast = canonicalJson(text);
        if (fast !== undefined) {
          shortcut++;
          expect(full.ok, text).to.equal(true);
          if (full.ok) expect(fast.value, text).to.deep.equal(full.value);
        }
        expect(parseStrictJson(text), text).to.deep.equal(full);
      }),
      { numRuns: 2000 },
    );
    // The generator reaches the shortcut, not only the fallback.
    expect(shortcut).to.be.greaterThan(100);
  });

  it('agrees on texts JSON.stringify writes (every one takes the shortcut)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const fast = canonicalJson(text);
        expect(fast, text).to.not.equal(undefined);
        expect(parseStrictJsonFully(text)).to.deep.equal({ ok: true, value: fast?.value });
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a repeated name, an escaped repeat and 1e400 to the full check', () => {
    for (const text of ['{"a":1,"a":1}', '{"a":1,"\\u0061":1}', '{"exp":1e400}', '[1e400]']) {
      expect(canonicalJson(text), text).to.equal(undefined);
      expect(parseStrictJson(text).ok, text).to.equal(false);
    }
  });
});
