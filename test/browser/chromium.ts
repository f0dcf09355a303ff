// Debian's chromium driven by playwright-core (nothing downloaded by npm); absent, the browser suites skip and say so.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

if (!HAS_CHROMIUM) {
  process.stderr.write(
    `browser tests skipped: no chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}

/**
 * Waits, with Playwright's own auto-waiting, until the locator has an element showing `text` (vitest's expect has
 * no retrying locator matchers; playwright-core ships none).
 */
export async function seeText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}
