import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CLOUDS } from '../../lib/config/clouds.js';
import { CLOUD_NAMES } from '../../lib/config/option-checks.js';
import { CORE_OPTIONS, OPTION_TABLE } from '../../lib/config/options.js';
import type { OptionName, OptionSpec } from '../../lib/config/options.js';
import { resolveConfig } from '../../lib/core/settings.js';
import { resolveStrategyConfig } from '../../lib/passport/settings.js';

const GUIDE = path.resolve(__dirname, '..', '..', 'docs', 'options.md');

/** Option names in the first column of the "Strategy options" table of docs/options.md. */
function documentedOptions(): string[] {
  const text = readFileSync(GUIDE, 'utf8');
  const section = text.slice(text.indexOf('## Strategy options'));
  const end = section.indexOf('\n## ', 3);
  const table = end === -1 ? section : section.slice(0, end);
  return [...table.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1] ?? '');
}

/** The rows of the "Strategy options" table: name, type and default cells (backticks kept). */
function documentedRows(): Map<string, { type: string; default: string }> {
  const text = readFileSync(GUIDE, 'utf8');
  const section = text.slice(text.indexOf('## Strategy options'));
  const end = section.indexOf('\n## ', 3);
  const table = end === -1 ? section : section.slice(0, end);
  const rows = new Map<string, { type: string; default: string }>();
  for (const line of table.split('\n')) {
    if (!line.startsWith('| `')) continue;
    // Cells are separated by | not escaped as \|.
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    rows.set((cells[0] ?? '').replace(/`/g, ''), { type: cells[1] ?? '', default: cells[2] ?? '' });
  }
  return rows;
}

/** The default as the docs state it, from the table entry. */
function documentedDefault(spec: OptionSpec<unknown>): string {
  if (spec.docDefault !== undefined) return spec.docDefault;
  if (spec.required === true) return 'required';
  const value = spec.default;
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return `\`[${value.map((v) => `'${String(v)}'`).join(', ')}]\``;
  if (typeof value === 'string') return `\`'${value}'\``;
  if (typeof value === 'number' || typeof value === 'boolean') return `\`${value}\``;
  throw new Error('an object default needs docDefault in the table');
}

const BASE = { clientID: 'id', clientSecret: 'secret', callbackURL: 'https://app.example/cb' };

describe('unit: the one list of options', () => {
  const names = Object.keys(OPTION_TABLE) as OptionName[];

  it('documents every option of the table in docs/options.md, and no other', () => {
    expect([...documentedOptions()].sort()).to.deep.equal([...names].sort());
  });

  it('documents each option with the type and the default the table holds', () => {
    const rows = documentedRows();
    for (const name of names) {
      const spec: OptionSpec<unknown> = OPTION_TABLE[name];
      expect(rows.get(name)?.type, `type of ${name}`).to.equal(`\`${spec.type}\``);
      expect(rows.get(name)?.default, `default of ${name}`).to.equal(documentedDefault(spec));
    }
  });

  it('resolves an option left out to the default the table holds', () => {
    const core = resolveConfig(BASE) as unknown as Record<string, unknown>;
    const adapter = resolveStrategyConfig(BASE) as unknown as Record<string, unknown>;
    let compared = 0;
    for (const name of names) {
      const spec: OptionSpec<unknown> = OPTION_TABLE[name];
      // photo false stays false; the others are read back under their own name.
      if (spec.default === undefined || !(name in adapter)) continue;
      const resolved = spec.layer === 'core' ? core[name] : adapter[name];
      expect(resolved, name).to.deep.equal(spec.default);
      compared++;
    }
    expect(compared).to.be.greaterThan(10);
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
