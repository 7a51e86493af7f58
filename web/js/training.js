// The training view: an MLP on Fashion-MNIST per optimizer, on the server's device. The
// settings post to /api/v1/trainings; the stream's batch events feed the loss chart, its
// epoch events the accuracy table. document.body.dataset.train is idle, running, done or
// error (the message in dataset.trainError): the contract the browser tests read.

import { followTraining, postTraining } from './api.js';
import { t } from './i18n.js';
import { colour } from './scales.js';
import { percent } from './series.js';
import { createTrainChart } from './trainchart.js';

const $ = (id) => document.getElementById(id);
const MAX_OPTIMIZERS = 8;
export const TRAIN_DEFAULTS = ['adam', 'sgd(lr=0.01, momentum=0.9)'];
export const TRAIN_SEVEN = ['sgd(lr=0.01, momentum=0.9)', 'rmsprop', 'adagrad', 'adadelta',
  'adam', 'adamax', 'nadam'];

export function createTrainingView() {
  const chart = createTrainChart($('train-loss'));
  let specs = [...TRAIN_DEFAULTS];
  let errors = [];
  let stop = null;
  let current = null; // {id, events, batches, epochs, rows: [{label, acc: [], ...}]}

  function setTrainState(s, message = '') {
    document.body.dataset.train = s;
    if (s === 'error') document.body.dataset.trainError = message;
    else delete document.body.dataset.trainError;
    $('train-start').disabled = s === 'running';
    $('train-stop').disabled = s !== 'running';
    if (s === 'error') $('train-progress').textContent = message;
  }

  function renderSpecs() {
    const box = $('train-specs');
    box.replaceChildren();
    specs.forEach((spec, i) => {
      const row = document.createElement('div');
      row.className = 'spec-row';
      row.style.setProperty('--c', colour(i));
      const input = document.createElement('input');
      input.type = 'text';
      input.value = spec;
      input.dataset.trainSpec = i;
      input.setAttribute('aria-label', `${t('optimizer')} ${i + 1}`);
      input.spellcheck = false;
      input.addEventListener('input', () => { specs[i] = input.value; });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.title = t('remove');
      remove.disabled = specs.length === 1;
      remove.addEventListener('click', () => {
        specs.splice(i, 1);
        errors = [];
        renderSpecs();
      });
      row.append(input, remove);
      if (errors[i]) {
        input.classList.add('rejected');
        const p = document.createElement('p');
        p.className = 'error';
        p.textContent = errors[i];
        row.append(p);
      }
      box.append(row);
    });
    $('train-add').disabled = specs.length >= MAX_OPTIMIZERS;
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
      sw.style.setProperty('--c', colour(i));
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

  function progress(text) {
    $('train-progress').textContent = text;
  }

  function request() {
    const num = (id) => Number($(id).value);
    const req = { optimizers: specs.map((s) => s.trim()), epochs: num('train-epochs'),
      batch: num('train-batch'), hidden: num('train-hidden'), seed: num('train-seed') };
    const limit = num('train-limit');
    if (limit) req.limit = limit;
    return req;
  }

  async function start() {
    if (stop) stop();
    errors = [];
    renderSpecs();
    $('train-error').textContent = '';
    setTrainState('running');
    progress(t('trainQueued'));
    const { ok, body } = await postTraining(request());
    if (!ok) {
      const m = /^optimizers\[(\d+)\]$/.exec(body.field || '');
      if (m) {
        errors[Number(m[1])] = body.error;
        renderSpecs();
      } else $('train-error').textContent = body.error;
      setTrainState('error', body.error);
      return;
    }
    current = { id: body.id, events: body.events, epochs: body.request.epochs, batches: 1,
      rows: body.optimizers.map(() => ({ label: '…', acc: [] })) };
    chart.reset(body.optimizers.length, current.epochs, t('epoch'));
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
          progress(t('trainProgress', { label: current.rows[d.optimizer].label, epoch: d.epoch,
            epochs: current.epochs, batch: d.batch, batches: current.batches,
            loss: d.loss.toFixed(3) }));
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
        progress(t('trainDone'));
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
    if (current) await fetch(`/api/v1/trainings/${current.id}`, { method: 'DELETE' });
    progress(t('trainCancelled'));
    setTrainState('idle');
  }

  $('train-start').addEventListener('click', start);
  $('train-stop').addEventListener('click', cancel);
  $('train-add').addEventListener('click', () => {
    specs.push('adam');
    renderSpecs();
  });
  $('train-seven').addEventListener('click', () => {
    specs = [...TRAIN_SEVEN];
    errors = [];
    renderSpecs();
  });
  renderSpecs();
  setTrainState('idle');
  chart.reset(0, Number($('train-epochs').value), t('epoch'));

  return {
    /** Texts again after a language change. */
    relabel() {
      renderSpecs();
      renderTable();
      chart.draw();
    },
    resize() { chart.draw(); },
  };
}
