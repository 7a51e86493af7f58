// Takes the training view's screenshot (docs/page.md, web/doc/training.png): the seven
// optimizers (Keras defaults, SGD with momentum 0.9), 5 epochs on all 60,000 examples.
// Minutes on a 2-core CPU.
//   node tests/e2e/shot-training.mjs CLOPT_BINARY OUT.png

import { launchBrowser, startServer } from './harness.mjs';

const [binary, out] = process.argv.slice(2);
const { server, url } = await startServer(binary);
const browser = await launchBrowser();
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
