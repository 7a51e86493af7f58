// "Tune fairly": the race's optimizers tuned on the server (POST /api/v1/tunings, clopt tune
// as a job) over the same budget, starts and score, each one's tuning curve drawn (median
// score against its learning rate, the quartile band, the share of runs that diverged), the
// coarse plan first and the full one when it arrives; then the race runs the tuned settings
// from the shared starts, with the ranking and a sentence that says what "fair" meant. The
// plan is in the URL: #tune&function=...&opt=...&steps=... (the race's hash after "tune&").

import { postTuning, stream } from './api.js';
import { colour, dash, repeats } from './scales.js';
import { TEXT, t } from './i18n.js';
import { parseSpec } from './spec.js';

/** The view's words, English and Korean (added to i18n.js's table when this loads). */
export const TUNE_TEXT = {
  en: {
    tuneFairly: 'Tune fairly',
    tuneCaption: 'Tuning curves: median score at each learning rate (band: middle half of the runs; dashed: share diverged)',
    tuneAxisX: 'learning rate ÷ the race’s own',
    tuneAxisY: 'median log₁₀(f − f* + 10⁻¹²) at the last step',
    tuneAxisDiverged: 'diverged',
    tuneCoarse: 'Coarse plan ({values} learning rates, {starts} starts) — the full plan is on its way…',
    tuneFull: 'Full plan on {fn}: {values} learning rates × {starts} starts per optimizer, {runs} runs.',
    tuneWorking: 'Tuning {n} optimizers on the server…',
    tuneRanking: 'Ranking after tuning',
    tuneRank: '{spec}: median {median}, {diverged}% diverged',
    tuneNever: 'every rate diverged in most runs',
    tuneFair: 'Fair here means: every optimizer had the same budget ({steps} steps), started from '
      + 'the same {starts} points drawn in the view, and was judged by the same score (the median '
      + 'over those starts of log₁₀(f − f*) at the last step) at each of {values} learning rates from '
      + '10⁻⁴ to 10 times its own; the race runs each one at its best rate from the first {race} of '
      + 'those starts.',
    tuneFailed: 'The tuning failed: {error}',
    tuneLink: 'Link to this fair race',
    tuneNoise: ' With gradient noise σ = {noise}, each start ran with {seeds} noise seeds.',
  },
  ko: {
    tuneFairly: '공정하게 튜닝',
    tuneCaption: '튜닝 곡선: 학습률마다 점수의 중앙값 (띠: 실행의 가운데 절반, 점선: 발산한 비율)',
    tuneAxisX: '학습률 ÷ 레이스의 학습률',
    tuneAxisY: '마지막 단계 log₁₀(f − f* + 10⁻¹²)의 중앙값',
    tuneAxisDiverged: '발산',
    tuneCoarse: '대략적인 계획 (학습률 {values}개, 시작점 {starts}개) — 전체 계획을 계산하는 중…',
    tuneFull: '{fn}의 전체 계획: 옵티마이저마다 학습률 {values}개 × 시작점 {starts}개, 실행 {runs}번.',
    tuneWorking: '서버에서 옵티마이저 {n}개를 튜닝하는 중…',
    tuneRanking: '튜닝 후 순위',
    tuneRank: '{spec}: 중앙값 {median}, 발산 {diverged}%',
    tuneNever: '모든 학습률에서 대부분의 실행이 발산',
    tuneFair: '여기서 공정하다는 것은: 모든 옵티마이저가 같은 예산({steps}단계)으로, 화면 영역에서 '
      + '뽑은 같은 {starts}개의 점에서 출발해, 같은 점수(그 시작점들에 대한 마지막 단계 '
      + 'log₁₀(f − f*)의 중앙값)로, 자기 학습률의 10⁻⁴배부터 10배까지 {values}개의 학습률마다 '
      + '평가받았다는 뜻입니다. 레이스는 각 옵티마이저를 가장 좋은 학습률로, 그 시작점 중 처음 '
      + '{race}개에서 실행합니다.',
    tuneFailed: '튜닝에 실패했습니다: {error}',
    tuneLink: '이 공정한 레이스의 링크',
    tuneNoise: ' 기울기 잡음 σ = {noise}에서는 시작점마다 잡음 시드 {seeds}개로 실행했습니다.',
  },
};
Object.assign(TEXT.en, TUNE_TEXT.en);
Object.assign(TEXT.ko, TUNE_TEXT.ko);

export const TUNE_STARTS = 64; // the tuning's starts (clopt tune's default)
export const RACE_STARTS = 8; // the tuned race runs from the first ones

/** Whether a hash asks for a fair race: "#tune&function=...". */
export function isTuneHash(hash) {
  return /^#tune(&|$)/.test(hash);
}

/** The race's hash ("#function=...") as a fair race's. */
export function tuneHash(raceHash) {
  return `#tune&${raceHash.replace(/^#/, '')}`;
}

export const NOISE_SEEDS = 4; // with gradient noise, every start runs with this many seeds

/** The request for the race's function, specs, steps and gradient noise. */
export function tuningRequest(fn, opts, steps, noise = 0) {
  const r = { function: fn, optimizers: opts, steps, starts: TUNE_STARTS, score: 'final' };
  return noise > 0 ? { ...r, noise, seeds: NOISE_SEEDS } : r;
}

/**
 * One optimizer's curve as points: x the learning rate over the race's own (the default axis
 * spans 1e-4 .. 10 of it), median and quartiles (null where more than half diverged).
 */
export function curvePoints(o) {
  const base = o.values[0] / 1e-4;
  return o.values.map((v, i) => ({
    x: v / base, median: o.median[i], q1: o.q1[i], q3: o.q3[i], diverged: o.diverged[i],
    best: v === o.best,
  }));
}

/** The ranking as [{spec, key, median, diverged}], in the server's order. */
export function rankingRows(tuning) {
  return tuning.ranking.map((name) => {
    const o = tuning.optimizers.find((c) => c.optimizer === name);
    const i = o.values.indexOf(o.best);
    const spec = parseSpec(o.tuned);
    return { spec: o.tuned, key: spec ? spec.key : '', median: o.median[i], diverged: o.diverged[i] };
  });
}

/**
 * The view, inside the race: a button after the race's presets and a figure after the loss
 * chart. getScene() gives {fn, opts, steps, noise, plan} (plan: the hash of this fair race);
 * onRace(specs, starts, scene) runs the tuned race.
 */
// eslint-disable-next-line max-lines-per-function -- the view's closure over the tuning it follows and its figure; each function inside is checked on its own
export function createTuneFair({ getScene, onRace }) {
  const d3 = window.d3;
  const button = document.createElement('button');
  button.id = 'tune-fairly';
  button.type = 'button';
  button.dataset.i18n = 'tuneFairly';
  document.querySelector('.optimizers .row').append(button);
  const figure = document.createElement('figure');
  figure.id = 'tune-panel';
  figure.className = 'tune-panel';
  figure.hidden = true;
  figure.innerHTML = '<figcaption data-i18n="tuneCaption"></figcaption>'
    + '<svg id="tune-curves" role="img" data-i18n-label="tuneCaption"></svg>'
    + '<p id="tune-progress" class="progress" role="status" aria-live="polite"></p>'
    + '<h3 data-i18n="tuneRanking"></h3><ol id="tune-ranking"></ol><p id="tune-fair" class="note"></p>'
    + '<p><a id="tune-link" data-i18n="tuneLink" hidden></a></p>';
  document.querySelector('#race figure.loss').after(figure);
  let unfollow = null; // stops following the tuning's events
  let shown = null; // {tuning, coarse, error}
  let scene = null;

  function draw() {
    const svg = d3.select('#tune-curves');
    svg.selectAll('*').remove();
    if (!shown || !shown.tuning) return;
    const w = figure.clientWidth || 560;
    const h = 260;
    const M = { left: 52, right: 44, top: 10, bottom: 36 };
    svg.attr('viewBox', `0 0 ${w} ${h}`).attr('width', w).attr('height', h);
    const curves = shown.tuning.optimizers.map(curvePoints);
    const finite = curves.flat().flatMap((p) => [p.median, p.q1, p.q3]).filter((v) => v !== null);
    const sx = d3.scaleLog().domain([1e-4, 10]).range([M.left, w - M.right]);
    const sy = d3.scaleLinear().domain(d3.extent(finite.length ? finite : [0, 1])).nice()
      .range([h - M.bottom, M.top]);
    const sd = d3.scaleLinear().domain([0, 1]).range([h - M.bottom, M.top]);
    svg.append('g').attr('transform', `translate(0,${h - M.bottom})`)
      .call(d3.axisBottom(sx).ticks(6, '~g'));
    svg.append('g').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(sy).ticks(5));
    svg.append('g').attr('transform', `translate(${w - M.right},0)`)
      .call(d3.axisRight(sd).ticks(4, '%'));
    svg.append('text').attr('x', (M.left + w - M.right) / 2).attr('y', h - 4)
      .attr('text-anchor', 'middle').attr('class', 'axis-label').text(t('tuneAxisX'));
    svg.append('text').attr('transform', `translate(12,${(h - M.bottom + M.top) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle').attr('class', 'axis-label').text(t('tuneAxisY'));
    const keys = shown.tuning.optimizers.map((o) => (parseSpec(o.tuned) || { key: '' }).key);
    const nth = repeats(keys);
    curves.forEach((pts, k) => {
      const c = colour(keys[k]);
      const g = svg.append('g').attr('class', 'tune-curve').attr('data-optimizer', keys[k]);
      const ok = (p) => p.q1 !== null && p.q3 !== null;
      g.append('path').attr('class', 'band').attr('fill', c).attr('fill-opacity', 0.15)
        .attr('d', d3.area().defined(ok).x((p) => sx(p.x)).y0((p) => sy(p.q1)).y1((p) => sy(p.q3))(pts));
      g.append('path').attr('class', 'median').attr('fill', 'none').attr('stroke', c)
        .attr('stroke-width', 2).attr('stroke-dasharray', dash(nth[k], keys[k]))
        .attr('d', d3.line().defined((p) => p.median !== null).x((p) => sx(p.x)).y((p) => sy(p.median))(pts));
      g.append('path').attr('class', 'diverged').attr('fill', 'none').attr('stroke', c)
        .attr('stroke-width', 1).attr('stroke-dasharray', '3 3')
        .attr('d', d3.line().x((p) => sx(p.x)).y((p) => sd(p.diverged))(pts));
      const best = pts.find((p) => p.best && p.median !== null);
      if (best) {
        g.append('circle').attr('class', 'best').attr('r', 4).attr('fill', c)
          .attr('cx', sx(best.x)).attr('cy', sy(best.median));
      }
    });
  }

  function render() {
    draw();
    const progress = document.getElementById('tune-progress');
    const list = document.getElementById('tune-ranking');
    const fair = document.getElementById('tune-fair');
    if (!shown) return;
    if (shown.error) {
      progress.textContent = t('tuneFailed', { error: shown.error });
      return;
    }
    if (!shown.tuning) {
      progress.textContent = t('tuneWorking', { n: scene.opts.length });
      return;
    }
    const o = shown.tuning.optimizers[0];
    const vars = { fn: shown.tuning.function, values: o.values.length, starts: shown.tuning.starts.length,
      runs: shown.tuning.optimizers.length * o.values.length * shown.tuning.starts.length };
    progress.textContent = t(shown.coarse ? 'tuneCoarse' : 'tuneFull', vars);
    list.replaceChildren(...rankingRows(shown.tuning).map((r) => {
      const li = document.createElement('li');
      li.style.borderLeft = `4px solid ${colour(r.key)}`;
      li.textContent = r.median === null ? `${r.spec}: ${t('tuneNever')}`
        : t('tuneRank', { spec: r.spec, median: r.median.toFixed(2), diverged: Math.round(100 * r.diverged) });
      return li;
    }));
    const link = document.getElementById('tune-link');
    link.hidden = shown.coarse;
    link.href = scene.plan;
    fair.textContent = shown.coarse ? '' : t('tuneFair', {
      steps: shown.tuning.steps, starts: shown.tuning.starts.length, values: o.values.length, race: RACE_STARTS,
    }) + (shown.tuning.noise > 0 ? t('tuneNoise', { noise: shown.tuning.noise, seeds: shown.tuning.seeds }) : '');
  }

  function stop() {
    if (unfollow) unfollow();
    unfollow = null;
  }

  function failed(error) {
    shown = { error };
    document.body.dataset.tune = 'error';
    stop();
    render();
  }

  /** Tunes the race's optimizers; the tuned race follows the full plan. */
  async function start() {
    stop();
    scene = getScene();
    shown = { tuning: null, coarse: true };
    figure.hidden = false;
    document.body.dataset.tune = 'working';
    render();
    const { ok, status, body } = await postTuning(tuningRequest(scene.fn, scene.opts, scene.steps, scene.noise));
    if (!ok) {
      failed(body.error || `HTTP ${status}`);
      return;
    }
    unfollow = stream(body.events, {
      pass(d) {
        shown = { tuning: d.tuning, coarse: d.coarse };
        document.body.dataset.tune = d.coarse ? 'coarse' : 'full';
        render();
        if (!d.coarse) {
          stop();
          onRace(rankingRows(d.tuning).map((row) => row.spec), d.tuning.starts.slice(0, RACE_STARTS), scene);
        }
      },
    }, (message) => failed(message || 'the connection to the server was lost'));
  }

  button.addEventListener('click', start);
  return {
    start,
    relabel: () => { if (shown) render(); },
    hide() {
      stop();
      shown = null;
      figure.hidden = true;
      delete document.body.dataset.tune;
    },
  };
}
