// Test harness of the web console: the shared server harness
// (../shared/jangkau.mjs) with this suite's password, screenshot folder,
// screen sizes, and Debian's Chromium driven by playwright-core.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, screenshotter, startServer as start } from '../shared/jangkau.mjs';

export { BIN, CHROMIUM, ROOT, until } from '../shared/jangkau.mjs';

export const SHOTS = process.env.SCREENSHOTS || join(ROOT, 'test-output', 'browser');
export const PASSWORD = 'Uji-jangkau-2026';

export const SIZES = {
  phone: { viewport: { width: 360, height: 760 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  laptop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
};

/** Starts ./jangkau serve on a fresh data dir (after `commands`, e.g. [['demo']]); returns { url, api, stop, ... }. */
export function startServer({ commands } = {}) {
  return start({ password: PASSWORD, tmpPrefix: 'jangkau-browser-', commands });
}

/** Launches Debian's Chromium headless. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Saves a full-page screenshot as test-output/browser/<size>-<nn>-<name>.png. */
export function shooter(page, size) {
  return screenshotter(SHOTS, page, size);
}

/** Signs in on the console's login page and waits for the signed-in header. */
export async function signIn(page, url, email, password = PASSWORD) {
  await page.goto(url + '/');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator('#who').waitFor({ state: 'attached' });
  // the console then leaves '/' for the role's home page: wait for it, so a
  // page.goto to another route afterwards is not overtaken by that move
  await page.waitForFunction(() => location.hash.length > 2);
}
