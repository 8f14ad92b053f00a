import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CLOUDS } from '../../lib/config/endpoints.js';
import { CLOUD_NAMES, CORE_OPTIONS, OPTION_TABLE } from '../../lib/config/options.js';
import type { OptionName } from '../../lib/config/options.js';

const GUIDE = path.resolve(__dirname, '..', '..', 'docs', 'options.md');

/** Option names in the first column of the "Strategy options" table of docs/options.md. */
function documentedOptions(): string[] {
  const text = readFileSync(GUIDE, 'utf8');
  const section = text.slice(text.indexOf('## Strategy options'));
  const end = section.indexOf('\n## ', 3);
  const table = end === -1 ? section : section.slice(0, end);
  return [...table.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1] ?? '');
}

describe('unit: the one list of options', () => {
  const names = Object.keys(OPTION_TABLE) as OptionName[];

  it('documents every option of the table in docs/options.md, and no other', () => {
    expect([...documentedOptions()].sort()).to.deep.equal([...names].sort());
  });

  it("names the Passport-only options in docs/options.md as MicrosoftSignIn's exceptions", () => {
    const text = readFileSync(GUIDE, 'utf8');
    const passportOnly = names.filter((n) => !CORE_OPTIONS.includes(n));
    expect(passportOnly.length).to.be.greaterThan(0);
    const sentence =
      /takes the same\s+options except the Passport-only ones:([^.]*)\./.exec(text)?.[1] ?? '';
    const listed = [...sentence.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect([...listed].sort()).to.deep.equal([...passportOnly].sort());
  });

  it('checks every option value it lists: each wrong type is a TypeError naming the option', () => {
    for (const name of names) {
      const spec = OPTION_TABLE[name];
      // A symbol is the wrong type for every option.
      expect(() => spec.check(Symbol('wrong'), name), name).to.throw(TypeError, name);
    }
  });

  it('accepts exactly the clouds CLOUDS has hosts for', () => {
    expect([...CLOUD_NAMES]).to.deep.equal(Object.keys(CLOUDS));
  });
});
