// The training view: an MLP on Fashion-MNIST per optimizer, on the server's device. The
// settings post to /api/v1/trainings; the stream's batch events feed the loss chart, its
// epoch events the accuracy table. document.body.dataset.train is idle, running, done or
// error (the message in dataset.trainError): the contract the browser tests read.

import { cancel as cancelJob, followTraining, postTraining } from './api.js';
import { firstProblem, newEntry, renderEntries, showProblem } from './controls.js';
import { problemText, t } from './i18n.js';
import { colour } from './scales.js';
import { percent } from './series.js';
import { formatSpec, parseSpec } from './spec.js';
import { createTrainChart } from './trainchart.js';
import { NEW_ENTRY, TRAIN_DEFAULTS } from './presets.js';
import { refusalText } from './refusals.js';
import { checkValue } from './validate.js';

const $ = (id) => document.getElementById(id);
// Every optimizer of the catalogue with its defaults (SGD with the momentum people train with).
export function trainAll(infos) {
  return infos.map((o) => (o.optional_state === 'momentum' ? `${o.key}(momentum=0.9)` : o.key));
}

/** The training's settings, checked as typed; the ranges are the server's (GET /api/v1/limits). */
function settings(limits) {
  return {
    'train-epochs': { key: 'epochs', range: { min: 1, max: limits.epochs } },
    'train-batch': { key: 'batch', range: { min: 1, max: limits.batch } },
    'train-hidden': { key: 'hidden', range: { min: 1, max: limits.hidden } },
    'train-limit': { key: 'limit', range: { min: 0, max: limits.limit } },
    'train-seed': { key: 'seed', range: { min: 0, max: limits.seed } },
  };
}

/** An optimizer entry (controls.js) from a spec's text ("sgd(lr=0.01, momentum=0.9)"). */
function entryOf(spec) {
  const p = parseSpec(spec);
  return newEntry(p.key, p.params, p.schedule);
}

/**
 * infos: /api/v1/optimizers (the optimizers' menus and the ranges their fields are checked
 * against, as in the race); limits: GET /api/v1/limits's trainings; schedules:
 * /api/v1/schedules (each optimizer's schedule menu; a new schedule spans steps="all", every
 * optimizer step of the training).
 */
// eslint-disable-next-line max-lines-per-function -- the view's closure over the training it follows and its form; each function inside is checked on its own
export function createTrainingView(infos, limits, schedules = []) {
  const SETTINGS = settings(limits);
  const chart = createTrainChart($('train-loss'));
  let entries = TRAIN_DEFAULTS.map(entryOf); // the optimizers, as the race's entries
  let serverSettings = {}; // the server's refusal of a setting, by input id (the reply's body)
  let stop = null;
  let current = null; // {id, follow, events, batches, epochs, rows: [{label, acc: [], ...}]}
  let shown = null; // the progress line: {key, vars}, rendered again in another language

  function checkSetting(id) {
    const r = checkValue($(id).value, SETTINGS[id].range, { integer: true });
    const text = r.problem ? problemText(r.problem, t(SETTINGS[id].key), SETTINGS[id].key)
      : serverSettings[id] ? refusalText(serverSettings[id]) : '';
    showProblem($(id), $(`${id}-error`), text);
    return text;
  }

  function setTrainState(s, message = '') {
    document.body.dataset.train = s;
    if (s === 'error') document.body.dataset.trainError = message;
    else delete document.body.dataset.trainError;
    $('train-start').disabled = s === 'running';
    $('train-stop').disabled = s !== 'running';
    if (s === 'error') {
      shown = null;
      $('train-progress').textContent = message;
    }
  }

  /** The optimizers with the race's menus and fields (controls.js renderEntries). */
  function renderSpecs() {
    renderEntries($('train-specs'), entries, infos, {
      idPrefix: 'train-entry',
      schedules,
      steps: () => 'all',
      onChange() { $('train-error').textContent = ''; },
      onKind: renderSpecs,
      onRemove(i) {
        entries.splice(i, 1);
        renderSpecs();
        const box = $('train-specs').children[Math.min(i, entries.length - 1)];
        const remove = box.querySelector('button');
        (remove.disabled ? box.querySelector('select') : remove).focus();
      },
    });
    $('train-add').disabled = entries.length >= limits.optimizers;
  }

  function renderTable() {
    const table = $('train-table');
    table.replaceChildren();
    if (!current) return;
    const head = table.createTHead().insertRow();
    const cols = [t('optimizer'), ...Array.from({ length: current.epochs }, (_, e) => `${t('epoch')} ${e + 1}`),
      t('trainLoss'), t('testLoss'), t('seconds'), t('examplesPerSecond')];
    for (const c of cols) {
      const th = document.createElement('th');
      th.textContent = c;
      head.append(th);
    }
    const body = table.createTBody();
    current.rows.forEach((r, i) => {
      const tr = body.insertRow();
      tr.dataset.optimizerRow = i;
      const name = tr.insertCell();
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.setProperty('--c', colour(r.kind));
      name.append(sw, r.label);
      for (let e = 0; e < current.epochs; e++) {
        const td = tr.insertCell();
        td.className = 'num';
        td.dataset.epoch = e + 1;
        td.textContent = percent(r.acc[e]);
      }
      const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
      for (const [x, d] of [[r.trainLoss, 4], [r.testLoss, 4], [r.seconds, 1], [r.rate, 0]]) {
        const td = tr.insertCell();
        td.className = 'num';
        td.textContent = fmt(x, d);
      }
      if (r.best) tr.classList.add('best');
    });
  }

  function progress(key, vars = {}) {
    shown = { key, vars };
    $('train-progress').textContent = t(key, vars);
  }

  /** The first problem of the settings as typed: its sentence, or ''. */
  function problems() {
    const local = firstProblem(entries, infos);
    if (local) return { where: `${t('optimizer')} ${local.i + 1}`, text: local.text };
    for (const id of Object.keys(SETTINGS)) {
      const text = checkSetting(id);
      if (text) return { where: t(SETTINGS[id].key), text };
    }
    return null;
  }

  function request() {
    const num = (id) => Number($(id).value);
    const spec = (e) => formatSpec(infos.find((o) => o.key === e.key), e.params, e.schedule,
      e.schedule && schedules.find((s) => s.name === e.schedule.name));
    const req = { optimizers: entries.map(spec), epochs: num('train-epochs'),
      batch: num('train-batch'), hidden: num('train-hidden'), seed: num('train-seed') };
    const limit = num('train-limit');
    if (limit) req.limit = limit;
    return req;
  }

  /** Not sent: the sentence is next to its field, a summary under the buttons. */
  function refuse(where) {
    const summary = t('notRun', { where });
    $('train-error').textContent = summary;
    setTrainState('error', summary);
  }

  async function start() {
    for (const e of entries) e.server = null;
    serverSettings = {};
    renderSpecs();
    const problem = problems();
    if (problem) {
      refuse(problem.where);
      return;
    }
    if (stop) stop();
    $('train-error').textContent = '';
    setTrainState('running');
    progress('trainQueued');
    const { ok, body } = await postTraining(request());
    if (ok) follow(body);
    else showRefusal(body);
  }

  /** The server refused the training: shown where the field is, like a problem found as typed. */
  function showRefusal(body) {
    const text = refusalText(body);
    const entry = body.code === 'bad_optimizer' ? body.args.index : -1;
    const id = Object.keys(SETTINGS).find((k) => SETTINGS[k].key === body.field);
    if (entry >= 0 && entry < entries.length) {
      entries[entry].server = { param: null, get text() { return refusalText(body); } };
      renderSpecs();
      refuse(`${t('optimizer')} ${entry + 1}`);
    } else if (id) {
      serverSettings[id] = body;
      checkSetting(id);
      refuse(t(SETTINGS[id].key));
    } else {
      $('train-error').textContent = text;
      setTrainState('error', text);
    }
  }

  /** Follows the training the server accepted (body: its id, events, request, optimizers). */
  function follow(body) {
    current = { id: body.id, follow: body.follow, events: body.events, epochs: body.request.epochs, batches: 1,
      rows: body.optimizers.map((c) => ({ label: '…', kind: c.name, acc: [] })) };
    chart.reset(body.optimizers.map((c) => c.name), current.epochs, t('epoch'));
    renderTable();
    // A few frames a second: the browser shares the machine with the device it watches.
    let pending = false;
    const redraw = () => {
      if (pending) return;
      pending = true;
      setTimeout(() => requestAnimationFrame(() => { pending = false; chart.draw(); }), 250);
    };
    stop = followTraining(body.events, {
      start(d) {
        current.batches = d.batches;
        current.rows[d.optimizer].label = d.label;
        renderTable();
      },
      batch(d) {
        chart.add(d, current.batches);
        redraw();
        if (d.batch % 10 === 0 || d.batch === current.batches) {
          progress('trainProgress', { label: current.rows[d.optimizer].label, epoch: d.epoch,
            epochs: current.epochs, batch: d.batch, batches: current.batches,
            loss: Number.isFinite(d.loss) ? d.loss.toFixed(3) : '—' }); // null: diverged
        }
      },
      epoch(d) {
        const r = current.rows[d.optimizer];
        r.acc[d.epoch - 1] = d.test_accuracy;
        r.trainLoss = d.train_loss;
        r.testLoss = d.test_loss;
        r.seconds = d.seconds;
        renderTable();
      },
      done(d) {
        d.results.forEach((x, i) => {
          current.rows[i].rate = x.examples_per_second;
          current.rows[i].seconds = x.seconds;
        });
        const best = Math.max(...d.results.map((x) => x.test_accuracy));
        d.results.forEach((x, i) => { current.rows[i].best = x.test_accuracy === best; });
        renderTable();
        chart.draw();
        progress('trainDone');
        stop = null;
        setTrainState('done');
      },
      error(message) {
        stop = null;
        setTrainState('error', message);
      },
    });
  }

  async function cancel() {
    if (stop) stop();
    stop = null;
    if (current) await cancelJob('trainings', current);
    progress('trainCancelled');
    setTrainState('idle');
  }

  $('train-start').addEventListener('click', start);
  $('train-stop').addEventListener('click', cancel);
  $('train-add').addEventListener('click', () => {
    entries.push(newEntry(NEW_ENTRY));
    renderSpecs();
  });
  $('train-seven').addEventListener('click', () => {
    entries = trainAll(infos).map(entryOf);
    renderSpecs();
  });
  for (const id of Object.keys(SETTINGS)) {
    $(id).addEventListener('input', () => {
      delete serverSettings[id];
      checkSetting(id);
    });
  }
  renderSpecs();
  setTrainState('idle');
  chart.reset([], Number($('train-epochs').value) || 1, t('epoch'));

  return {
    /** Texts again after a language change. */
    relabel() {
      renderSpecs();
      renderTable();
      for (const id of Object.keys(SETTINGS)) checkSetting(id);
      if (shown) $('train-progress').textContent = t(shown.key, shown.vars);
      chart.relabel(t('epoch'));
    },
    resize() { chart.draw(); },
  };
}
