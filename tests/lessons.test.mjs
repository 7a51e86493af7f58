// Every lesson's narrated outcome, checked on the engine: each scene and each try-this of
// web/js/lessondata.js runs through `clopt run --format json`, and every claim written next to
// it must hold. A kernel or preset change that makes a lesson say something untrue fails here.
//   node tests/lessons.test.mjs path/to/clopt
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import test from 'node:test';

import { LESSONS, tryScene } from '../web/js/lessondata.js';
import { parseSpec } from '../web/js/spec.js';

const clopt = process.argv[2] || process.env.CLOPT || 'build/clopt';

function runScene(scene) {
  const args = ['run', '--function', scene.function, '--steps', String(scene.steps), '--format', 'json'];
  for (const o of scene.opts) args.push('--optimizer', o);
  for (const [x, y] of scene.starts) args.push('--start', `${x},${y}`);
  if (scene.noise) args.push('--noise', String(scene.noise), '--seed', String(scene.seed || 0));
  const out = JSON.parse(execFileSync(clopt, args, { encoding: 'utf8', maxBuffer: 1 << 26 }));
  assert.equal(out.trajectories.length, scene.opts.length * scene.starts.length);
  return out.trajectories;
}

/**
 * A claim {tuned: {from, score, noise, seeds, diverged}}: the scene's optimizers are what
 * `clopt tune` makes of the specs `from` on the scene's function and steps (its defaults
 * otherwise: lr over 25 values, 64 starts), in order; with `diverged`, each one's share of
 * diverged runs at its tuned value.
 */
function checkTuned(claim, scene) {
  const { from, score, noise, seeds, diverged } = claim.tuned;
  const args = ['tune', '--function', scene.function, '--steps', String(scene.steps), '--score', score, '--json'];
  for (const o of from) args.push('--optimizer', o);
  if (noise) args.push('--noise', String(noise), '--seeds', String(seeds || 1));
  const out = JSON.parse(execFileSync(clopt, args, { encoding: 'utf8' }));
  const tuned = out.optimizers.map((o) => parseSpec(o.tuned));
  assert.deepEqual(tuned, scene.opts.map(parseSpec), `clopt tune gives ${out.optimizers.map((o) => o.tuned).join(', ')}`);
  if (diverged) {
    const shares = out.optimizers.map((o) => o.diverged[o.values.indexOf(o.best)]);
    assert.deepEqual(shares, diverged, `diverged shares at the tuned values: ${shares}`);
  }
}

const dist = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1]);
const delta = (pts, i, axis) => pts[i][axis] - pts[i - 1][axis];
const stepLength = (pts, i) => dist(pts[i], pts[i - 1]);
const AXIS = { x: 0, y: 1 };

/** Checks one claim against the trajectories; throws with what was found if it fails. */
export function check(claim, trs, minimum) {
  if (claim.better) {
    const [a, b] = claim.better;
    const fa = trs[a].points[claim.at][2];
    const fb = trs[b].points[claim.at][2];
    assert.ok(fa < fb, `f of trajectory ${a} at step ${claim.at} is ${fa}, not below ${b}'s ${fb}`);
    return;
  }
  const tr = trs[claim.t];
  const pts = tr.points;
  const last = pts[pts.length - 1];
  const finite = pts.filter((p) => p.every((v) => v !== null && Number.isFinite(v)));
  if ('diverges' in claim) {
    assert.equal(tr.diverged_at !== null, claim.diverges, `diverged_at is ${tr.diverged_at}`);
  } else if (claim.reaches) {
    const { within, tol } = claim.reaches;
    const at = pts.slice(0, within + 1).findIndex((p) => p[0] !== null && dist(p, minimum) <= tol);
    assert.ok(at >= 0, `not within ${tol} of (${minimum}) by step ${within}; at ${within}: (${pts[Math.min(within, pts.length - 1)]})`);
  } else if (claim.misses) {
    const { within, tol } = claim.misses;
    const near = pts.slice(0, within + 1).findIndex((p) => p[0] !== null && dist(p, minimum) <= tol);
    assert.equal(near, -1, `within ${tol} of (${minimum}) at step ${near}`);
  } else if (claim.overshoots || claim.staysBefore) {
    const [[axis, v]] = Object.entries(claim.overshoots || claim.staysBefore);
    const a = AXIS[axis];
    const side = Math.sign(pts[0][a] - v);
    const crossed = finite.findIndex((p) => Math.sign(p[a] - v) === -side);
    if (claim.overshoots) assert.ok(crossed >= 0, `never crosses ${axis} = ${v}`);
    else assert.equal(crossed, -1, `crosses ${axis} = ${v} at step ${crossed}: (${pts[crossed]})`);
  } else if (claim.zigzag) {
    const a = AXIS[claim.zigzag.axis];
    for (let i = 2; i <= claim.zigzag.steps; i++) {
      assert.ok(delta(pts, i, a) * delta(pts, i - 1, a) < 0, `steps ${i - 1} and ${i} go the same way in ${claim.zigzag.axis}`);
    }
  } else if (claim.monotone) {
    const a = AXIS[claim.monotone];
    for (let i = 2; i < finite.length; i++) {
      assert.ok(delta(pts, i, a) * delta(pts, i - 1, a) >= 0, `step ${i} turns back in ${claim.monotone}`);
    }
  } else if (claim.stays) {
    const worst = Math.max(...pts.map((p) => Math.abs(p[1] - claim.stays.y)));
    assert.ok(worst <= claim.stays.tol, `y moves ${worst} away from ${claim.stays.y}`);
  } else if (claim.escapes) {
    assert.ok(last[1] === null || Math.abs(last[1] - claim.escapes.y) > claim.escapes.by,
      `ends at y = ${last[1]}, not farther than ${claim.escapes.by} from ${claim.escapes.y}`);
  } else if (claim.endsNear) {
    assert.ok(dist(last, claim.endsNear.point) <= claim.endsNear.tol, `ends at (${last}), not within ${claim.endsNear.tol} of (${claim.endsNear.point})`);
  } else if (claim.firstStep) {
    const { dx, dy, tol } = claim.firstStep;
    const got = [delta(pts, 1, 0), delta(pts, 1, 1)];
    assert.ok(Math.abs(got[0] - dx) <= tol && Math.abs(got[1] - dy) <= tol, `first step is (${got}), not (${dx}, ${dy}) within ${tol}`);
  } else if ('equalFirstStep' in claim) {
    const ax = Math.abs(delta(pts, 1, 0));
    const ay = Math.abs(delta(pts, 1, 1));
    assert.ok(Math.abs(ax - ay) <= claim.equalFirstStep * Math.max(ax, ay), `first step is ${ax} in x and ${ay} in y`);
  } else if (claim.grows) {
    const { from, to } = claim.grows;
    assert.ok(stepLength(pts, to) > stepLength(pts, from), `step ${to} is ${stepLength(pts, to)} long, step ${from} ${stepLength(pts, from)}`);
  } else if (claim.shrinks) {
    const { from, to, by } = claim.shrinks;
    assert.ok(stepLength(pts, to) * by < stepLength(pts, from), `step ${to} is ${stepLength(pts, to)} long, step ${from} ${stepLength(pts, from)}`);
  } else if (claim.signSteps) {
    const { size, until, tol } = claim.signSteps;
    for (let i = 1; i <= until; i++) {
      for (const a of [0, 1]) {
        assert.ok(Math.abs(Math.abs(delta(pts, i, a)) - size) <= tol, `step ${i} moves ${delta(pts, i, a)} along ${a ? 'y' : 'x'}, not ±${size}`);
      }
    }
  } else if ('endsAbove' in claim) {
    assert.ok(last[2] > claim.endsAbove, `ends at f = ${last[2]}`);
  } else if ('endNormBelow' in claim) {
    assert.ok(Math.hypot(last[0], last[1]) < claim.endNormBelow, `ends at (${last}), ${Math.hypot(last[0], last[1])} from the origin`);
  } else {
    assert.fail(`unknown claim ${JSON.stringify(claim)}`);
  }
}

test('the lessons are numbered 1.. in order, with both languages complete', () => {
  LESSONS.forEach((l, i) => {
    assert.equal(l.n, i + 1);
    for (const lang of ['en', 'ko']) {
      const x = l[lang];
      for (const k of ['title', 'intro', 'question', 'explain']) assert.ok(x[k] && x[k].length >= 2, `lesson ${l.n} ${lang}.${k}`);
      assert.ok(x.choices.length >= 2 && x.choices.length <= 4, `lesson ${l.n} ${lang} has 2-4 choices`);
      assert.equal(x.choices.length, l.en.choices.length, `lesson ${l.n}: as many choices in ${lang}`);
      assert.ok(x.intro.split(/\s+/).length <= 150 && x.explain.split(/\s+/).length <= 150, `lesson ${l.n} ${lang}: at most 150 words a screen`);
      for (const tr of l.tries) assert.ok(tr[lang].label && tr[lang].note, `lesson ${l.n} ${lang}: a try-this needs a label and a note`);
    }
    assert.ok(l.answer >= 0 && l.answer < l.en.choices.length);
    assert.ok(l.tries.length >= 1 && l.tries.length <= 3, `lesson ${l.n}: one to three try-this buttons`);
    assert.ok(l.claims.length >= 1, `lesson ${l.n} claims something`);
    for (const tr of l.tries) assert.ok(tr.claims.length >= 1, `lesson ${l.n}: every try-this claims something`);
  });
});

for (const lesson of LESSONS) {
  const scenes = [{ name: 'scene', scene: lesson.scene, claims: lesson.claims },
    ...lesson.tries.map((tr, i) => ({ name: `try ${i + 1} (${tr.en.label})`, scene: tryScene(lesson, i), claims: tr.claims }))];
  for (const { name, scene, claims } of scenes) {
    test(`lesson ${lesson.n} ${lesson.en.title}: ${name}`, () => {
      const trs = runScene(scene);
      for (const claim of claims) {
        try {
          if (claim.tuned) checkTuned(claim, scene);
          else check(claim, trs, lesson.minimum);
        } catch (e) {
          e.message = `${JSON.stringify(claim)}: ${e.message}`;
          throw e;
        }
      }
    });
  }
}
