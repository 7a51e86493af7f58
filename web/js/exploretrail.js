// The Explore view's trail of zoomed windows in words: the breadcrumb (a button per window,
// its magnification against the first, its ranges in its tooltip) and the line that says a
// window is computed in double, and why. The view (explore.js) keeps the trail.

import { short } from './exploremaps.js';
import { magnification, magnificationText, planWindow, unresolvedAxis } from './explorewindow.js';
import { t } from './i18n.js';

/** Fills `nav` with the breadcrumb of `trail` (plans), window `at` marked; pick(k) goes to window k. */
export function renderTrail(nav, trail, at, pick) {
  nav.hidden = !trail.length;
  const root = trail.length ? planWindow(trail[0]) : [];
  const end = (a, v) => (a.decades ? `10^${short(v)}` : short(v));
  const buttons = trail.map((p, k) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.crumb = String(k);
    const axes = planWindow(p);
    b.textContent = k === 0 ? t('exploreZoomWhole') : `×${magnificationText(magnification(axes, root))}`;
    b.title = axes.map((a) => `${a.name} ${end(a, a.lo)} – ${end(a, a.hi)}`).join(', ');
    if (k === at) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => pick(k));
    return b;
  });
  const label = Object.assign(document.createElement('span'), { textContent: t('exploreTrail') });
  const hint = Object.assign(document.createElement('span'), { className: 'note', textContent: t('exploreZoomHint') });
  nav.replaceChildren(label, ...buttons, hint);
}

/**
 * The line for plan p's precision: why double (the first axis float32 does not resolve; a
 * trainability map's in decades and rates), that double was chosen, or '' for float. A
 * zoomed trainability window in float says that float's rounding during training may
 * decide cells there: the training near the boundary is chaotic, and it tells float and
 * double apart long before their rates are (docs/page.md's measurements).
 */
export function precisionLine(p, zoomed = false) {
  if (p && p.kind === 'trainability' && p.precision !== 'double' && zoomed) return t('exploreFloatTrain');
  if (!p || p.precision !== 'double') return '';
  const axis = unresolvedAxis(planWindow(p));
  if (!axis) return t('exploreDoubleChosen');
  if (axis.relative !== undefined) {
    return t('exploreDoubleRates', { name: axis.name, gap: axis.gap.toPrecision(2), relative: axis.relative.toPrecision(2) });
  }
  return t('exploreDouble', { name: axis.name, gap: axis.gap.toPrecision(2), at: short(axis.at) });
}
