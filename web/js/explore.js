// The Explore view: a basin map per optimizer from POST /api/v1/explorations, the coarse
// pass drawn at once and the full grid when it arrives. Hue: which known minimum a run
// reached; lightness: how fast it converged (light: early); black: diverged; grey: neither.
// A click opens the race from that cell with that map's optimizer.

import { t } from './i18n.js';

const HUES = [210, 20, 130, 280]; // minimum 0 .. 3

/** The colour of one run as [r, g, b] (0 .. 255). */
export function cellColour(minimum, convergedAt, divergedAt, steps) {
  if (divergedAt >= 0) return [0, 0, 0];
  if (minimum < 0) return [150, 150, 150];
  const speed = convergedAt >= 0 ? 1 - convergedAt / steps : 0;
  return hsl(HUES[minimum % HUES.length], 0.7, 0.25 + 0.5 * speed);
}

function hsl(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

async function field(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error((await r.json()).error || `${url}: HTTP ${r.status}`);
  return new Float32Array(await r.arrayBuffer());
}

/**
 * The view in element ids explore-*: getScene() gives {function, view, optimizers: [spec
 * text], steps}; onOpen(spec, [x, y]) opens the race there.
 */
export function createExploreView({ getScene, onOpen }) {
  const $ = (id) => document.getElementById(id);
  let source = null;
  let shown = null; // {pass, scene, fields}

  function draw(pass, scene, fields) {
    const [k, ny, nx] = pass.shape;
    const maps = $('explore-maps');
    maps.replaceChildren();
    for (let m = 0; m < k; m++) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = nx;
      canvas.height = ny;
      canvas.dataset.map = String(m);
      const img = canvas.getContext('2d').createImageData(nx, ny);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const r = m * nx * ny + j * nx + i;
          const c = cellColour(fields.minimum[r], fields.converged_at[r], fields.diverged_at[r],
            scene.steps);
          const at = 4 * ((ny - 1 - j) * nx + i); // y0 at the bottom
          img.data.set([...c, 255], at);
        }
      }
      canvas.getContext('2d').putImageData(img, 0, 0);
      canvas.addEventListener('click', (e) => {
        const box = canvas.getBoundingClientRect();
        const i = Math.round(((e.clientX - box.left) / box.width) * (nx - 1));
        const j = Math.round((1 - (e.clientY - box.top) / box.height) * (ny - 1));
        const [x0, x1, y0, y1] = pass.view;
        onOpen(scene.optimizers[m], [x0 + (i * (x1 - x0)) / (nx - 1), y0 + (j * (y1 - y0)) / (ny - 1)]);
      });
      const cap = document.createElement('figcaption');
      cap.textContent = scene.optimizers[m];
      fig.append(canvas, cap);
      maps.append(fig);
    }
    document.body.dataset.explorePass = String(pass.pass);
  }

  async function onPass(pass, scene) {
    const names = ['minimum', 'converged_at', 'diverged_at'];
    const arrays = await Promise.all(names.map((n) => field(pass.fields[n])));
    const fields = Object.fromEntries(names.map((n, i) => [n, arrays[i]]));
    shown = { pass, scene, fields };
    draw(pass, scene, fields);
    $('explore-progress').textContent = t(pass.coarse ? 'exploreCoarse' : 'exploreDone');
  }

  async function start() {
    if (source) source.close();
    const scene = getScene();
    const grid = Number($('explore-grid').value);
    $('explore-error').textContent = '';
    const request = {
      kind: 'basins', function: scene.function, optimizers: scene.optimizers,
      grid, view: scene.view, steps: scene.steps,
    };
    const r = await fetch('/api/v1/explorations', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request),
    });
    const body = await r.json();
    if (!r.ok) {
      $('explore-error').textContent = body.error;
      return;
    }
    delete document.body.dataset.explorePass;
    $('explore-progress').textContent = t('exploreRunning');
    source = new EventSource(body.events);
    source.addEventListener('pass', (e) => {
      onPass(JSON.parse(e.data), scene).catch((err) => { $('explore-error').textContent = err.message; });
    });
    source.addEventListener('done', () => source.close());
    source.addEventListener('error', (e) => {
      if (e.data) $('explore-error').textContent = JSON.parse(e.data).error;
      source.close();
    });
  }

  $('explore-start').addEventListener('click', () => { start(); });
  return {
    relabel() {
      if (shown) $('explore-progress').textContent = t(shown.pass.coarse ? 'exploreCoarse' : 'exploreDone');
    },
  };
}
