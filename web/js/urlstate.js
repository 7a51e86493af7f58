// The view in the URL hash, so that a link restores (and runs) it:
// #function=rosenbrock&opt=adam(lr=0.01)&opt=sgd(lr=0.001,momentum=0.9)&start=-1.5,2
//  &steps=500[&noise=0.1&seed=3][&view=x0,x1,y0,y1][&step=120][&lang=ko]
// (step: where playback stood, paused, when the link was made)
// Pure: no DOM, tested with node's test runner (web/test/).

// The language a hash without lang= is read in: the browser's (router.js browserLang), so
// a link names its language only when it differs (lang=en for a Korean browser).
let unmarked = 'en';

/** Sets the language a hash without lang= means. */
export function setUnmarkedLang(lang) {
  unmarked = lang === 'ko' ? 'ko' : 'en';
}

/** The lang= part of a hash for lang ('' when a hash without one means it). */
export function langParam(lang) {
  return lang && lang !== unmarked ? `lang=${lang}` : '';
}

function numbers(text, n) {
  const v = text.split(',').map(Number);
  return v.length === n && v.every(Number.isFinite) ? v : null;
}

/**
 * Parses a hash ("#..." or "...") into a partial view. Parts with a bad value are left out
 * and listed in `ignored` (the part's text), so the page can say so; unknown keys are skipped.
 */
export function parseHash(hash) {
  const out = { opts: [], starts: [], ignored: [] };
  const text = hash.replace(/^#/, '');
  if (!text) return out;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq);
    let value;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      out.ignored.push(part);
      continue;
    }
    let ok = true;
    if (key === 'function' && value) out.function = value;
    else if (key === 'opt' && value) out.opts.push(value.replace(/,(?=\S)/g, ', '));
    else if (key === 'start') {
      const p = numbers(value, 2);
      if (p) out.starts.push(p);
      ok = !!p;
    } else if (key === 'view') {
      const v = numbers(value, 4);
      ok = !!(v && v[0] < v[1] && v[2] < v[3]);
      if (ok) out.view = v;
    } else if (key === 'steps' || key === 'seed' || key === 'step') {
      const n = Number(value);
      ok = Number.isInteger(n) && n >= 0;
      if (ok) out[key] = n;
    } else if (key === 'noise') {
      const n = Number(value);
      ok = Number.isFinite(n) && n >= 0;
      if (ok) out.noise = n;
    } else if (key === 'lang') {
      ok = value === 'en' || value === 'ko';
      if (ok) out.lang = value;
    }
    if (!ok) out.ignored.push(`${key}=${value}`);
  }
  return out;
}

// Keep specs readable: escape only what would break the hash.
function escape(text) {
  return text.replace(/[%&#\s+]/g, (c) => encodeURIComponent(c));
}

function round(v) {
  return Number(v.toPrecision(6));
}

/** The hash for a view: {function, opts, starts, steps, noise, seed, view, lang}. */
export function formatHash(v) {
  const parts = [`function=${escape(v.function)}`];
  for (const o of v.opts) parts.push(`opt=${escape(o.replace(/,\s+/g, ','))}`);
  for (const [x, y] of v.starts) parts.push(`start=${round(x)},${round(y)}`);
  parts.push(`steps=${v.steps}`);
  if (v.noise) parts.push(`noise=${v.noise}`, `seed=${v.seed || 0}`);
  if (v.view) parts.push(`view=${v.view.map(round).join(',')}`);
  if (Number.isInteger(v.step)) parts.push(`step=${v.step}`);
  if (langParam(v.lang)) parts.push(langParam(v.lang));
  return `#${parts.join('&')}`;
}
