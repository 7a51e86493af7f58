// The screens a reviewer looks at after a change to the page: the first screen, lesson 3, an
// own function, a basin map and a short training, on a phone (390 px, touch) in Korean and
// on a laptop (1280 px) in English. Writes SCREEN-WIDTH-LANG.png into OUT_DIR. A minute or
// two on a 2-core CPU.
//   node tests/e2e/shot-screens.mjs CLOPT_BINARY OUT_DIR
import fs from 'node:fs';
import path from 'node:path';

import { launchBrowser, startServer } from './harness.mjs';

const [binary, outDir] = process.argv.slice(2);
const SIZES = [
  [{ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }, 'ko'],
  [{ viewport: { width: 1280, height: 800 } }, 'en'],
];
const own = encodeURIComponent('sin(x)*cos(y)+0.1*(x^2+y^2)');
const SCREENS = {
  first: { hash: '', ready: () => ['done', 'error'].includes(document.body.dataset.state) },
  // lesson 3 answered (its first choice), then its scene run to the explanation
  lesson3: { hash: 'lesson=3', ready: () => document.body.dataset.state === 'ready', answer: true },
  own: { hash: `function=${own}&opt=adam(lr=0.1)&opt=sgd(lr=0.05,momentum=0.9)&start=2,1.5&steps=200`,
    ready: () => ['done', 'error'].includes(document.body.dataset.state) },
  basins: { hash: 'explore=basins&function=himmelblau&opt=adam(lr=0.05)&grid=128&steps=300',
    ready: () => document.body.dataset.explorePass === '1' }, // the full pass (0: the coarse one)
  training: { hash: 'training', ready: () => document.body.dataset.train === 'idle', train: true },
};

fs.mkdirSync(outDir, { recursive: true });
const { server, url } = await startServer(binary);
const browser = await launchBrowser();
try {
  for (const [size, lang] of SIZES) {
    for (const [name, screen] of Object.entries(SCREENS)) {
      const context = await browser.newContext(size);
      const page = await context.newPage();
      const hash = screen.hash ? `${screen.hash}&lang=${lang}` : `lang=${lang}`;
      await page.goto(`${url}#${hash}`);
      await page.waitForFunction(screen.ready, null, { timeout: 120000 }).catch(() => {
        process.stderr.write(`shot-screens: ${name} (${lang}) did not say it was ready; shot as it is\n`);
      });
      if (screen.answer) {
        await page.click('[data-lesson-open] [data-choice="0"]');
        await page.waitForFunction(() => document.querySelector('[data-lesson-open]').dataset.phase === 'explain',
          null, { timeout: 120000 });
      }
      if (screen.train) {
        await page.fill('#train-limit', '3000');
        await page.fill('#train-epochs', '2');
        await page.fill('#train-hidden', '64');
        await page.click('#train-start');
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.train), null,
          { timeout: 180000 });
      }
      await page.waitForTimeout(300);
      const file = path.join(outDir, `${name}-${size.viewport.width}-${lang}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
