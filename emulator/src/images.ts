/**
 * Tiny valid images for the demo accounts' Graph profile photos, built without any image library.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([len, typeAndData, crc]);
}

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/**
 * Builds an RGB PNG of `size`×`size` pixels: a `background` square with a `foreground` disc, like an
 * avatar placeholder.
 */
export function avatarPng(size: number, background: Rgb, foreground: Rgb): Buffer {
  const rowLen = size * 3 + 1;
  const raw = Buffer.alloc(rowLen * size);
  const centre = (size - 1) / 2;
  const radius = size * 0.32;
  for (let y = 0; y < size; y++) {
    raw[y * rowLen] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius ** 2;
      const colour = inside ? foreground : background;
      const offset = y * rowLen + 1 + x * 3;
      raw[offset] = colour[0];
      raw[offset + 1] = colour[1];
      raw[offset + 2] = colour[2];
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  header[10] = 0;
  header[11] = 0;
  header[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A hand-assembled baseline JPEG: 8×8 pixels, one grey component (value 144). It has a single DCT block
 * whose only non-zero coefficient is DC, coded with one-symbol Huffman tables.
 */
export function greyJpeg(): Buffer {
  const parts: number[] = [];
  const segment = (marker: number, body: number[]): void => {
    const len = body.length + 2;
    parts.push(0xff, marker, len >> 8, len & 0xff, ...body);
  };
  parts.push(0xff, 0xd8); // SOI
  // APP0 JFIF 1.01, no density units, 1:1, no thumbnail
  segment(
    0xe0,
    [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00],
  );
  // DQT: table 0, 8-bit precision, all ones
  segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  // SOF0: 8-bit, 8x8, 1 component (id 1, sampling 1x1, quant table 0)
  segment(0xc0, [0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]);
  // DHT DC table 0: one code of length 1 -> category 8
  segment(0xc4, [0x00, 0x01, ...new Array<number>(15).fill(0), 0x08]);
  // DHT AC table 0: one code of length 1 -> EOB (0x00)
  segment(0xc4, [0x10, 0x01, ...new Array<number>(15).fill(0), 0x00]);
  // SOS: 1 component, id 1 uses DC 0 / AC 0, spectral 0..63, approx 0
  segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
  // Entropy-coded data: DC code '0', 8 bits of 128 ('10000000') => DC = 128 => level-shifted 128 + 128/8 = 144;
  // then AC EOB '0'; padded with 1 bits: 0100 0000 | 0011 1111
  parts.push(0x40, 0x3f);
  parts.push(0xff, 0xd9); // EOI
  return Buffer.from(parts);
}
