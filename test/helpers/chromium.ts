/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core.
 * Without it a test is skipped locally and fails under CI (where .ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Skips the suite (`this` of a mocha `before`) when Chromium is missing, or fails it under CI. */
export function requireChromium(suite: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const message = `${CHROMIUM} not found: install it with "apt-get update && apt-get install -y chromium" (.ci/run does)`;
  if (process.env['CI']) throw new Error(message);
  console.warn(`      skipped: ${message}`);
  suite.skip();
}

/** Starts headless Chromium with the flags this machine needs (root, no network chatter). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
    timeout: 20_000,
  });
}
