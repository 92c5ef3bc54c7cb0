// Launch Debian's Chromium through playwright-core. Nothing here downloads a
// browser: the machine's /usr/bin/chromium is used, with the flags that keep
// it from reaching for the network. The bench renders its chart to PNG with it,
// and the browser tests drive the web client with it.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Start a headless Chromium. Without one, browser tests fail rather than
 * skip: under CI a missing browser is a broken install, and a developer
 * should see why (install it with `apt-get install -y chromium`).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}
