/**
 * The demo accounts' Graph profile photos, drawn without any image library: the account's initials
 * in white on a coloured disc, as Microsoft shows for an account without a photo of its own.
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

/** A stroke of a glyph: points on a grid 4 units wide and 6 high, y pointing down. */
type Stroke = ReadonlyArray<readonly [number, number]>;

/** Points on the ellipse around (cx, cy) from angle `from` to `to` (degrees, clockwise on screen). */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number): Stroke {
  const steps = Math.max(4, Math.ceil(Math.abs(to - from) / 10));
  const points: Array<readonly [number, number]> = [];
  for (let i = 0; i <= steps; i++) {
    const angle = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    points.push([cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)]);
  }
  return points;
}

const P_BOWL: Stroke = [[0, 6], [0, 0], [2.4, 0], ...arc(2.4, 1.6, 1.6, 1.6, -90, 90), [0, 3.2]];

/** A stroke font for the capital letters A–Z (enough for initials). */
const GLYPHS: Readonly<Record<string, readonly Stroke[]>> = {
  A: [
    [
      [0, 6],
      [2, 0],
      [4, 6],
    ],
    [
      [0.7, 4],
      [3.3, 4],
    ],
  ],
  B: [
    [
      [0, 0],
      [0, 6],
    ],
    [[0, 0], [2.4, 0], ...arc(2.4, 1.45, 1.4, 1.45, -90, 90), [0, 2.9]],
    [[0, 2.9], [2.5, 2.9], ...arc(2.5, 4.45, 1.5, 1.55, -90, 90), [0, 6]],
  ],
  C: [arc(2, 3, 2, 3, 40, 320)],
  D: [
    [
      [1.5, 0],
      [0, 0],
      [0, 6],
      [1.5, 6],
    ],
    arc(1.5, 3, 2.5, 3, -90, 90),
  ],
  E: [
    [
      [4, 0],
      [0, 0],
      [0, 6],
      [4, 6],
    ],
    [
      [0, 3],
      [3, 3],
    ],
  ],
  F: [
    [
      [4, 0],
      [0, 0],
      [0, 6],
    ],
    [
      [0, 3],
      [3, 3],
    ],
  ],
  G: [
    arc(2, 3, 2, 3, 0, 320),
    [
      [4, 3],
      [2.3, 3],
    ],
  ],
  H: [
    [
      [0, 0],
      [0, 6],
    ],
    [
      [4, 0],
      [4, 6],
    ],
    [
      [0, 3],
      [4, 3],
    ],
  ],
  I: [
    [
      [1, 0],
      [1, 6],
    ],
    [
      [0, 0],
      [2, 0],
    ],
    [
      [0, 6],
      [2, 6],
    ],
  ],
  J: [[[4, 0], [4, 4.2], ...arc(2.2, 4.2, 1.8, 1.8, 0, 180)]],
  K: [
    [
      [0, 0],
      [0, 6],
    ],
    [
      [4, 0],
      [0, 4],
    ],
    [
      [1.4, 2.6],
      [4, 6],
    ],
  ],
  L: [
    [
      [0, 0],
      [0, 6],
      [4, 6],
    ],
  ],
  M: [
    [
      [0, 6],
      [0, 0],
      [2, 4],
      [4, 0],
      [4, 6],
    ],
  ],
  N: [
    [
      [0, 6],
      [0, 0],
      [4, 6],
      [4, 0],
    ],
  ],
  O: [arc(2, 3, 2, 3, 0, 360)],
  P: [P_BOWL],
  Q: [
    arc(2, 3, 2, 3, 0, 360),
    [
      [2.5, 4.5],
      [4, 6.2],
    ],
  ],
  R: [
    P_BOWL,
    [
      [2, 3.2],
      [4, 6],
    ],
  ],
  S: [[...arc(2, 1.5, 1.9, 1.5, 330, 90), ...arc(2, 4.5, 1.9, 1.5, -90, 150)]],
  T: [
    [
      [0, 0],
      [4, 0],
    ],
    [
      [2, 0],
      [2, 6],
    ],
  ],
  U: [[[0, 0], [0, 4], ...arc(2, 4, 2, 2, 180, 0), [4, 0]]],
  V: [
    [
      [0, 0],
      [2, 6],
      [4, 0],
    ],
  ],
  W: [
    [
      [0, 0],
      [1, 6],
      [2, 2],
      [3, 6],
      [4, 0],
    ],
  ],
  X: [
    [
      [0, 0],
      [4, 6],
    ],
    [
      [4, 0],
      [0, 6],
    ],
  ],
  Y: [
    [
      [0, 0],
      [2, 3],
      [4, 0],
    ],
    [
      [2, 3],
      [2, 6],
    ],
  ],
  Z: [
    [
      [0, 0],
      [4, 0],
      [0, 6],
      [4, 6],
    ],
  ],
};

/** A glyph's segments as [x1, y1, x2, y2], moved right by `dx` grid units. */
function segments(glyph: readonly Stroke[], dx: number): number[][] {
  const out: number[][] = [];
  for (const stroke of glyph)
    for (let i = 1; i < stroke.length; i++) {
      const a = stroke[i - 1];
      const b = stroke[i];
      if (a && b) out.push([a[0] + dx, a[1], b[0] + dx, b[1]]);
    }
  return out;
}

function glyphWidth(glyph: readonly Stroke[]): number {
  return Math.max(...glyph.flatMap((stroke) => stroke.map((p) => p[0])));
}

/** Squared distance from (px, py) to the segment [x1, y1, x2, y2]. */
function distance2(px: number, py: number, s: number[]): number {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = s;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  const ex = px - (x1 + t * dx);
  const ey = py - (y1 + t * dy);
  return ex * ex + ey * ey;
}

/** The initials of a display name as Microsoft shows them: first letters of the first two words. */
export function initialsOf(displayName: string): string {
  return displayName
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word.charAt(0).toUpperCase())
    .join('');
}

const SAMPLES = 4;

/**
 * An RGBA PNG of `size`×`size` pixels: `initials` (letters A–Z; others are left out) in white on a
 * `colour` disc, transparent around it, anti-aliased.
 */
export function initialsPng(size: number, initials: string, colour: Rgb): Buffer {
  const letters = [...initials.toUpperCase()].filter((c) => GLYPHS[c]).slice(0, 2);
  const gap = 1.3;
  let advance = 0;
  const segs: number[][] = [];
  for (const letter of letters) {
    const glyph = GLYPHS[letter] ?? [];
    segs.push(...segments(glyph, advance));
    advance += glyphWidth(glyph) + gap;
  }
  const textWidth = Math.max(0, advance - gap);
  const unit = (size * 0.34) / 6; // pixels per grid unit: the letters are 34% of the photo high
  const half = 0.56 ** 2; // squared half stroke width, in grid units
  const originX = size / 2 - (textWidth * unit) / 2;
  const originY = size / 2 - 3 * unit;
  const centre = size / 2;
  const radius2 = (size / 2) ** 2;

  const rowLen = size * 4 + 1;
  const raw = Buffer.alloc(rowLen * size);
  for (let y = 0; y < size; y++) {
    raw[y * rowLen] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      let disc = 0;
      let ink = 0;
      for (let sy = 0; sy < SAMPLES; sy++)
        for (let sx = 0; sx < SAMPLES; sx++) {
          const px = x + (sx + 0.5) / SAMPLES;
          const py = y + (sy + 0.5) / SAMPLES;
          if ((px - centre) ** 2 + (py - centre) ** 2 > radius2) continue;
          disc += 1;
          const gx = (px - originX) / unit;
          const gy = (py - originY) / unit;
          if (gx < -1 || gy < -1 || gx > textWidth + 1 || gy > 7) continue;
          if (segs.some((s) => distance2(gx, gy, s) <= half)) ink += 1;
        }
      const offset = y * rowLen + 1 + x * 4;
      const white = disc === 0 ? 0 : ink / disc;
      raw[offset] = Math.round(colour[0] + (255 - colour[0]) * white);
      raw[offset + 1] = Math.round(colour[1] + (255 - colour[1]) * white);
      raw[offset + 2] = Math.round(colour[2] + (255 - colour[2]) * white);
      raw[offset + 3] = Math.round((255 * disc) / (SAMPLES * SAMPLES));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
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

/** The emulator's favicon (`/favicon.ico`): Microsoft's four squares, as SVG. */
export const FAVICON_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 23 23"><path fill="#f25022" d="M1 1h10v10H1z"/><path fill="#7fba00" d="M12 1h10v10H12z"/><path fill="#00a4ef" d="M1 12h10v10H1z"/><path fill="#ffb900" d="M12 12h10v10H12z"/></svg>',
  'utf8',
);

/** Disc colours of the demo photos (from Microsoft's avatar palette). */
export const AVATAR_COLOURS: readonly Rgb[] = [
  [0, 120, 212],
  [135, 100, 184],
  [202, 80, 16],
  [3, 131, 135],
  [196, 49, 75],
  [73, 130, 5],
];
