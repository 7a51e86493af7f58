// The race's legend: one button per optimizer entry, made once per run and updated in place
// (a button replaced between mouse-down and mouse-up loses the click): it selects that
// entry's first trajectory, aria-pressed says which is selected, a note says diverged or
// off the map. Contract for the browser tests: each button has data-legend="k".

import { t } from './i18n.js';
import { colour } from './scales.js';

/** The buttons for run r's entries in el; onSelect(i) with the entry's first trajectory. */
export function buildLegend(el, r, onSelect) {
  el.replaceChildren();
  for (const e of r.entries) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.legend = e.k;
    b.style.setProperty('--c', e.colour || colour(e.key));
    b.setAttribute('aria-pressed', 'false');
    const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    swatch.setAttribute('class', 'swatch');
    swatch.setAttribute('viewBox', '0 0 20 6');
    swatch.innerHTML = `<line x1="0" x2="20" y1="3" y2="3" stroke="${e.colour || colour(e.key)}" stroke-width="4"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`;
    const name = document.createElement('span');
    name.textContent = e.label;
    const note = document.createElement('span');
    note.className = 'legend-note';
    b.append(swatch, name, note);
    b.addEventListener('click', () => onSelect(r.trajectories.findIndex((tr) => tr.k === e.k)));
    el.append(b);
  }
}

/** An entry's note at step: diverged (at which step) and off the map (offmap: a Set of trajectories). */
export function legendNote(r, k, step, offmap) {
  const mine = r.trajectories.map((tr, i) => (tr.k === k ? i : -1)).filter((i) => i >= 0);
  const notes = [];
  const at = mine.map((i) => r.diverged[i]).find((d) => d !== null && d !== undefined && d <= step);
  if (at !== undefined) notes.push(`✕ ${t('diverged', { step: at })}`);
  if (mine.some((i) => offmap.has(i))) notes.push(`↗ ${t('offMap')}`);
  return notes.join(' · ');
}

/** Brings el's buttons up to date with run r at step, trajectory `selected` selected. */
export function updateLegend(el, r, selected, step, offmap) {
  if (!r) return;
  const selectedK = r.trajectories[selected]?.k;
  for (const b of el.children) {
    const k = Number(b.dataset.legend);
    const note = legendNote(r, k, step, offmap);
    const pressed = String(k === selectedK);
    if (b.getAttribute('aria-pressed') !== pressed) b.setAttribute('aria-pressed', pressed);
    const span = b.querySelector('.legend-note');
    if (span.textContent !== note) span.textContent = note;
  }
}
