// What every browser test shares: the server on a free loopback port, and the browser.
import { spawn } from 'node:child_process';

import { chromium } from 'playwright-core';

/** `clopt serve --port 0`: resolves to {server, url} once the server prints its URL. */
export function startServer(binary) {
  return new Promise((resolve, reject) => {
    const server = spawn(binary, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    server.stdout.once('data', (d) => resolve({ server, url: d.toString().trim() }));
    server.once('exit', (code) => reject(new Error(`clopt serve exited with ${code}`)));
  });
}

/** Headless Chromium: Debian's, or the one $CHROMIUM names. */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
}
