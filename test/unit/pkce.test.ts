import { expect } from 'chai';
import { codeChallengeS256, createCodeVerifier, randomValue } from '../../lib/core/pkce.js';

describe('core: PKCE and random values', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B (known-answer vector)', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).to.equal(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes 43-character verifiers from the unreserved alphabet (RFC 7636 section 4.1), each new', () => {
    const a = createCodeVerifier();
    const b = createCodeVerifier();
    expect(a).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(b).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(a).to.not.equal(b);
  });

  it('makes 32-character base64url nonces and states, each new', () => {
    const values = new Set(Array.from({ length: 50 }, () => randomValue()));
    expect(values.size).to.equal(50);
    for (const v of values) expect(v).to.match(/^[A-Za-z0-9_-]{32}$/);
  });
});
