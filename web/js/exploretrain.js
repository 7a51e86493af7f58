// The Explore view's trainability form (element ids explore-width, -activation,
// -train-steps, -train-grid, -seed, -precision-choice): the plan it describes, and a link's
// plan put back into it. The view (explore.js) starts, zooms and draws the plan.

import { ACTIVATIONS, TRAIN_DEFAULTS } from './trainplan.js';

/** The form's field of each of the plan's settings (a refusal's or a check's `field` marks it). */
export const TRAIN_FIELDS = {
  width: 'explore-width', activation: 'explore-activation', steps: 'explore-train-steps', grid: 'explore-train-grid',
  seed: 'explore-seed', precision: 'explore-precision-choice',
};

/** The form in the page's elements ($: id -> element), filled with TRAIN_DEFAULTS. */
export function trainForm($) {
  const field = (name) => $(TRAIN_FIELDS[name]);
  field('activation').replaceChildren(...ACTIVATIONS.map((a) => new Option(a, a)));
  const number = (name) => Number(field(name).value.trim() || NaN);

  /** Sets the fields from v (a link's plan: what it lacks takes the default). */
  function fill(v) {
    const s = { ...TRAIN_DEFAULTS, ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) };
    for (const name of ['width', 'steps', 'grid', 'seed']) field(name).value = String(s[name]);
    field('activation').value = s.activation;
    field('precision').value = s.chosen;
  }
  fill({});

  return {
    fill,
    /** The plan the form describes, over the default window (a zoom narrows it). */
    plan: () => ({
      kind: 'trainability', width: number('width'), activation: field('activation').value, steps: number('steps'),
      grid: number('grid'), seed: number('seed'), window: [...TRAIN_DEFAULTS.window], chosen: field('precision').value,
    }),
  };
}
