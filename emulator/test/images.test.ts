import { inflateSync } from 'node:zlib';
import { expect } from 'chai';
import { AVATAR_COLOURS, initialsOf, initialsPng } from '../src/images.js';
import { DEMO_USERS } from '../src/index.js';

/** The RGBA pixel at (x, y) of a PNG made by initialsPng (one IDAT chunk, filter 0 on every row). */
function pixel(png: Buffer, x: number, y: number): number[] {
  const size = png.readUInt32BE(16);
  const idatLength = png.readUInt32BE(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLength));
  const offset = y * (size * 4 + 1) + 1 + x * 4;
  return [...raw.subarray(offset, offset + 4)];
}

describe('emulator: demo photos', () => {
  const colour = AVATAR_COLOURS[0] ?? [0, 0, 0];
  const png = initialsPng(96, 'AH', colour);

  it('takes the initials of the first two words, as Microsoft shows them', () => {
    expect(initialsOf('Avery Howard')).to.equal('AH');
    expect(initialsOf('  kiosk operator  front ')).to.equal('KO');
    expect(initialsOf('Cher')).to.equal('C');
  });

  it('draws a 96×96 RGBA PNG: transparent corners, a coloured disc, white letters', () => {
    expect(png.subarray(1, 4).toString('ascii')).to.equal('PNG');
    expect(png.readUInt32BE(16)).to.equal(96);
    expect(png.readUInt32BE(20)).to.equal(96);
    expect(png[25]).to.equal(6); // truecolour with alpha
    expect(pixel(png, 0, 0)).to.deep.equal([colour[0], colour[1], colour[2], 0]);
    expect(pixel(png, 48, 8)).to.deep.equal([...colour, 255]);
    // The H's crossbar runs through the middle row right of the centre.
    const row = Array.from({ length: 40 }, (_, i) => pixel(png, 48 + i, 48));
    expect(row.some(([r, g, b]) => r === 255 && g === 255 && b === 255)).to.equal(true);
  });

  it('gives the personal and work demo accounts a photo; the others have none (Graph 404)', () => {
    expect(DEMO_USERS.filter((u) => u.photo).map((u) => u.key)).to.deep.equal(['personal', 'work']);
    for (const user of DEMO_USERS.filter((u) => u.photo))
      expect(user.photo?.contentType).to.equal('image/png');
  });
});
