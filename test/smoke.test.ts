import { expect } from 'chai';
describe('smoke', () => { it('runs', async () => { const jose = await import('jose'); expect(typeof jose.jwtVerify).to.equal('function'); }); });
