// Colours and scale choices. Pure: no DOM, tested with node's test runner (web/test/).

// Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
export const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00',
  '#CC79A7', '#000000'];

/** The colour of optimizer entry k (trajectories of one optimizer share it). */
export function colour(k) {
  return PALETTE[k % PALETTE.length];
}

/** 'log' when every finite value is > 0 (a loss that reaches 0 or below reads better linear). */
export function lossScaleKind(values) {
  let any = false;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v <= 0) return 'linear';
    any = true;
  }
  return any ? 'log' : 'linear';
}

/**
 * The value a landscape cell is coloured and contoured by: log10(f - min + offset) for
 * functions the catalogue marks log-scaled (their interesting detail is near the minimum),
 * f itself otherwise. The offset keeps the minimum finite: 1e-3 of the range, at least 1e-12.
 */
export function landscapeTransform(min, max, log) {
  if (!log) return (f) => f;
  const offset = Math.max((max - min) * 1e-3, 1e-12);
  return (f) => Math.log10(f - min + offset);
}

/** n contour thresholds spread evenly over the transformed range [lo, hi], ends excluded. */
export function contourLevels(lo, hi, n) {
  const out = [];
  for (let i = 1; i <= n; i++) out.push(lo + ((hi - lo) * i) / (n + 1));
  return out;
}
