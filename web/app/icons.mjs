// Draws the app icons (public/icons/*.png) with no image library: a white
// "J" hook under a dot, on the task force's teal. Run `npm run icons` after
// changing the drawing and commit the PNGs; the build only copies them.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BG = [15, 92, 110];
const FG = [255, 255, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in a unit square (0..1); `inset` shrinks the drawing for maskable icons.
function inside(x, y, rounded) {
  // background: a rounded square (or full bleed)
  const r = 0.18;
  if (rounded) {
    const cx = Math.min(Math.max(x, r), 1 - r), cy = Math.min(Math.max(y, r), 1 - r);
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return 'none';
  }
  return 'bg';
}
function glyph(x, y) {
  // the "J": a stem, a hook (half ring) and a dot, white
  const stem = x >= 0.54 && x <= 0.68 && y >= 0.36 && y <= 0.62;
  const dx = x - 0.45, dy = y - 0.62;
  const d = Math.hypot(dx, dy);
  const hook = y >= 0.62 && d >= 0.09 && d <= 0.23;
  const dot = Math.hypot(x - 0.61, y - 0.23) <= 0.075;
  // outreach arcs: a ring segment above-left, like a signal
  return stem || hook || dot;
}

function draw(size, { rounded, inset }) {
  const buf = Buffer.alloc(size * size * 4);
  const S = 4; // 4x4 supersampling
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0, fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size, y = (py + (sy + 0.5) / S) / size;
          if (inside(x, y, rounded) === 'none') continue;
          const gx = (x - 0.5) / inset + 0.5, gy = (y - 0.5) / inset + 0.5;
          if (glyph(gx, gy)) fg++; else bg++;
        }
      }
      const n = S * S, a = (bg + fg) / n;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) buf[i + c] = a ? Math.round((BG[c] * bg + FG[c] * fg) / (bg + fg)) : 0;
      buf[i + 3] = Math.round(a * 255);
    }
  }
  return png(size, buf);
}

const out = join(here, 'public', 'icons');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'icon-192.png'), draw(192, { rounded: true, inset: 1 }));
writeFileSync(join(out, 'icon-512.png'), draw(512, { rounded: true, inset: 1 }));
writeFileSync(join(out, 'maskable-512.png'), draw(512, { rounded: false, inset: 0.75 }));
console.log('icons written to public/icons');
