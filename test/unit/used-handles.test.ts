import { expect } from 'chai';
import { MAX_REMEMBERED, UsedHandles } from '../../lib/state/used-handles.js';

describe('unit: one-time state handles (UsedHandles)', () => {
  const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
  const TEN_MINUTES = 600_000;

  /** A UsedHandles with a small bound whose warnings land in `warnings`. */
  function small(max: number): { used: UsedHandles; warnings: string[] } {
    const warnings: string[] = [];
    return { used: new UsedHandles({ max, logger: { warn: (m) => warnings.push(m) } }), warnings };
  }

  it('claims a handle once, and again only after its pending login expired', () => {
    const used = new UsedHandles();
    expect(used.claim('a', T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.claim('a', T0 + TEN_MINUTES, T0 + 1)).to.equal(false);
    expect(used.claim('a', T0 + TEN_MINUTES, T0 + 599_000)).to.equal(false);
    // Past its expiry the handle is forgotten (its pending login could not be used any more).
    expect(used.claim('a', T0 + 1_300_000, T0 + 601_000)).to.equal(true);
  });

  it('remembers a handle at least until the expiry asked for (rounded up to the second)', () => {
    const used = new UsedHandles();
    expect(used.claim('a', T0 + 1_500, T0)).to.equal(true);
    expect(used.claim('a', T0 + 9_000, T0 + 1_999)).to.equal(false);
  });

  it('when full, forgets expired handles wherever they sit before any live one', () => {
    const { used, warnings } = small(4);
    // Claimed in another order than they expire: the oldest claim lives longest.
    expect(used.claim('long', T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.claim('short1', T0 + 60_000, T0)).to.equal(true);
    expect(used.claim('long2', T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.claim('short2', T0 + 60_000, T0)).to.equal(true);
    const later = T0 + 120_000;
    expect(used.claim('new1', later + TEN_MINUTES, later)).to.equal(true);
    expect(used.claim('new2', later + TEN_MINUTES, later)).to.equal(true);
    expect(used.size).to.equal(4);
    for (const live of ['long', 'long2', 'new1', 'new2'])
      expect(used.claim(live, later + TEN_MINUTES, later), live).to.equal(false);
    expect(warnings).to.deep.equal([]);
  });

  it('when full of live handles, keeps sign-in available: forgets the oldest and warns once through the logger', () => {
    const { used, warnings } = small(3);
    for (const h of ['a', 'b', 'c']) expect(used.claim(h, T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.claim('d', T0 + TEN_MINUTES, T0), 'a new login is not refused').to.equal(true);
    expect(used.claim('e', T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.size).to.equal(3);
    expect(used.claim('c', T0 + TEN_MINUTES, T0), 'the newer are kept').to.equal(false);
    expect(used.claim('a', T0 + TEN_MINUTES, T0), 'the oldest was forgotten').to.equal(true);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      /remembers 3 used state handles .* rate-limit the login and callback routes/,
    );
    expect(warnings[0]).not.to.match(/\b[a-e]\b,/);
  });

  it('a handle already remembered is refused even when the memory is full', () => {
    const { used } = small(2);
    expect(used.claim('a', T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.claim('b', T0 + TEN_MINUTES, T0)).to.equal(true);
    // 'a' is the oldest: a replay of it must not evict it first and then accept it.
    expect(used.claim('a', T0 + TEN_MINUTES, T0)).to.equal(false);
  });

  it(`remembers ${MAX_REMEMBERED} live handles by default before forgetting any`, () => {
    const warnings: string[] = [];
    const used = new UsedHandles({ logger: { warn: (m) => warnings.push(m) } });
    for (let i = 0; i < MAX_REMEMBERED; i++) used.claim(`h${i}`, T0 + TEN_MINUTES, T0);
    expect(used.size).to.equal(MAX_REMEMBERED);
    expect(used.claim('h0', T0 + TEN_MINUTES, T0), 'the first is still remembered').to.equal(false);
    expect(warnings).to.deep.equal([]);
    expect(used.claim('one more', T0 + TEN_MINUTES, T0)).to.equal(true);
    expect(used.size).to.equal(MAX_REMEMBERED);
    expect(warnings).to.have.length(1);
  });
});
