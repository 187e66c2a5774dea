// Test harness of the field app: the shared server harness
// (../shared/jangkau.mjs) with this suite's password, screenshot folder and
// phone, Debian's Chromium driven by playwright-core, and a test photo.
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, screenshotter, startServer as start, until } from '../shared/jangkau.mjs';

export { BIN, CHROMIUM, ROOT, until } from '../shared/jangkau.mjs';

export const SHOTS = process.env.SCREENSHOTS || join(ROOT, 'test-output', 'pwa');
export const PASSWORD = 'Uji-lapangan-2026';
export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID' };

const runsOf = async (page) => Number(await page.getAttribute('[data-testid=syncbar]', 'data-runs'));
const idle = async (page) => (await page.getAttribute('[data-testid=syncbar]', 'data-running')) === 'false';

/**
 * Waits until the phone's first sync has ended. The sync bar counts the
 * syncs that ended (data-runs): "not running" alone also reads true before
 * a sync has begun.
 */
export function firstSync(page) {
  return until(async () => (await runsOf(page)) >= 1 && (await idle(page)), 'the first sync');
}

/** Does action (one that starts a sync) and waits until a sync has ended after it. */
export async function syncAfter(page, action, what = 'the sync') {
  const before = await runsOf(page);
  await action();
  await until(async () => (await runsOf(page)) > before && (await idle(page)), what);
}

/** Starts ./jangkau on a fresh data dir: migrate up, superuser upsert, serve. */
export function startServer() {
  return start({ password: PASSWORD, tmpPrefix: 'jangkau-pwa-' });
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Saves full-page screenshots as test-output/pwa/<prefix>-<nn>-<name>.png. */
export function shooter(page, prefix) {
  return screenshotter(SHOTS, page, prefix);
}

/** A PNG of w x h pixels (a colour gradient), like a camera photo too large to send as is. */
export function gradientPng(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      const i = row + 1 + x * 3;
      raw[i] = (x * 255) / w;
      raw[i + 1] = (y * 255) / h;
      raw[i + 2] = ((x + y) * 97) & 255;
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
