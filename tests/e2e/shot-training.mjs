// Takes the training view's screenshot (docs/page.md, web/doc/training.png): the seven
// optimizers (Keras defaults, SGD with momentum 0.9), 5 epochs on all 60,000 examples.
// Minutes on a 2-core CPU.
//   node tests/e2e/shot-training.mjs CLOPT_BINARY OUT.png
import { spawn } from 'node:child_process';

import { chromium } from 'playwright-core';

const [binary, out] = process.argv.slice(2);
const server = spawn(binary, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(d.toString().trim())));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${url}#training`);
  await page.waitForFunction(() => document.body.dataset.train === 'idle');
  await page.click('#train-seven');
  await page.click('#train-start');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.train),
    null, { timeout: 0 });
  await page.screenshot({ path: out });
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
