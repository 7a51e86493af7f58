// The optimizer entries: kind, hyperparameters pre-filled with the Keras defaults, remove.
// Every value is checked as it is typed against the catalogue's range; a bad one gets
// aria-invalid and a sentence in a role="alert" element right after it, and so does a value
// the server refused. An entry is {key, params, raw, problems, server}: raw and problems hold
// the text and the problem of each field that does not check (the entry keeps its last good
// params meanwhile), server the refusal {param, text} until the entry is edited.

import { problemText, t, words } from './i18n.js';
import { colour, dash } from './scales.js';
import { scheduleField } from './schedulefield.js';
import { checkValue } from './validate.js';

/** Makes entry.raw / entry.problems / entry.server exist. */
export function newEntry(key, params = {}, schedule = null) {
  return { key, params, schedule, raw: {}, problems: {}, server: null };
}

/** The first problem of the entries: {i, h, text} (in the page's language), or null. */
export function firstProblem(entries, infos) {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const info = infos.find((o) => o.key === e.key);
    for (const h of info.hyperparameters) {
      if (e.problems[h.name]) return { i, info, h, text: problemText(e.problems[h.name], words(h), h.name) };
    }
  }
  return null;
}

/** Shows problem text (or nothing) on an input and its alert element. */
export function showProblem(input, alert, text) {
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (alert.textContent !== (text || '')) alert.textContent = text || '';
}

/** A word (Muon's adjust_lr): one of the catalogue's, chosen from a list. */
function wordField(entry, h, [label, name, alert], onChange) {
  const select = document.createElement('select');
  select.dataset.param = h.name;
  select.setAttribute('aria-label', `${words(h)} (${h.name})`);
  for (const w of h.range.words) select.append(new Option(w, w));
  select.value = entry.params[h.name] ?? h.default;
  select.addEventListener('change', () => {
    entry.params[h.name] = select.value;
    entry.server = null;
    onChange();
  });
  label.append(name, select);
  return [label, alert];
}

function paramField(entry, i, h, onChange, idPrefix) {
  const label = document.createElement('label');
  // The name in the page's language, the symbol a link and a spec use beside it.
  const name = document.createElement('span');
  name.className = 'param-name';
  const symbol = document.createElement('code');
  symbol.textContent = h.name;
  name.append(`${words(h)} `, symbol);
  const input = document.createElement('input');
  input.dataset.param = h.name;
  const alert = document.createElement('p');
  alert.className = 'error field-error';
  alert.setAttribute('role', 'alert');
  alert.id = `${idPrefix}-${i}-${h.name}-error`;
  alert.dataset.fieldError = h.name;
  input.setAttribute('aria-describedby', alert.id);
  input.setAttribute('aria-label', `${words(h)} (${h.name})`);
  if (h.range && h.range.type === 'boolean') {
    input.type = 'checkbox';
    input.checked = Boolean(entry.params[h.name] ?? h.default);
    input.addEventListener('change', () => {
      entry.params[h.name] = input.checked;
      entry.server = null;
      onChange();
    });
    label.append(name, input);
    return [label, alert];
  }
  if (h.range && h.range.words) return wordField(entry, h, [label, name, alert], onChange);
  input.type = 'text';
  input.inputMode = 'decimal';
  input.autocomplete = 'off';
  input.spellcheck = false;
  const v = entry.params[h.name];
  input.value = entry.raw[h.name] ?? (v === null || v === undefined ? '' : String(v));
  input.placeholder = h.default === null || h.default === undefined ? t('off') : String(h.default);
  const show = () => {
    const p = entry.problems[h.name];
    const refused = entry.server && entry.server.param === h.name ? entry.server.text : '';
    showProblem(input, alert, p ? problemText(p, words(h), h.name) : refused);
  };
  input.addEventListener('input', () => {
    const r = checkValue(input.value, h.range, { optional: true });
    if (r.problem) {
      entry.raw[h.name] = input.value;
      entry.problems[h.name] = r.problem;
    } else {
      delete entry.raw[h.name];
      delete entry.problems[h.name];
      if (r.value === undefined) delete entry.params[h.name];
      else entry.params[h.name] = r.value;
    }
    entry.server = null;
    show();
    onChange();
  });
  show();
  label.append(name, input);
  return [label, alert];
}

/**
 * Renders entries into container; infos is /api/v1/optimizers. onChange() after an edit
 * (the entry's fields are updated in place), onKind() after a change of kind or schedule
 * (render again), onRemove(index) for the remove button; schedules (/api/v1/schedules) and
 * steps() (the race's steps) for each entry's schedule (schedulefield.js); idPrefix: the
 * start of the ids of the fields' alerts (two lists of entries on one page: the race's, the
 * training's).
 */
export function renderEntries(container, entries, infos, {
  onChange, onKind, onRemove, schedules = [], steps = () => 0, idPrefix = 'entry',
}) {
  container.replaceChildren();
  const seen = new Map();
  entries.forEach((entry, i) => {
    const info = infos.find((o) => o.key === entry.key);
    const n = seen.get(entry.key) ?? 0;
    seen.set(entry.key, n + 1);
    const box = document.createElement('div');
    box.className = 'entry';
    box.dataset.entry = i;
    box.dataset.kind = entry.key;
    box.style.setProperty('--c', colour(entry.key, n));
    if (n) box.classList.add('repeat');
    box.style.setProperty('--dash', dash(n, entry.key) ? 'dashed' : 'solid');
    const head = document.createElement('header');
    const kind = document.createElement('select');
    kind.setAttribute('aria-label', `${t('optimizer')} ${i + 1}`);
    for (const o of infos) kind.add(new Option(o.name, o.key, false, o.key === entry.key));
    kind.addEventListener('change', () => {
      Object.assign(entry, { key: kind.value, params: {}, raw: {}, problems: {}, server: null });
      onKind();
    });
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '✕';
    remove.title = t('remove');
    remove.setAttribute('aria-label', t('remove'));
    remove.disabled = entries.length === 1;
    remove.addEventListener('click', () => onRemove(i));
    head.append(kind, remove);
    const params = document.createElement('div');
    params.className = 'params';
    for (const h of info.hyperparameters) params.append(...paramField(entry, i, h, onChange, idPrefix));
    box.append(head, params);
    if (schedules.length) box.append(scheduleField(entry, i, schedules, { steps, onChange, onRender: onKind }));
    // A refusal that names no field of the entry: under the entry.
    const whole = document.createElement('p');
    whole.className = 'error';
    whole.setAttribute('role', 'alert');
    whole.dataset.entryError = i;
    const named = entry.server && info.hyperparameters.some((h) => h.name === entry.server.param);
    whole.textContent = entry.server && !named ? entry.server.text : '';
    box.append(whole);
    container.append(box);
  });
}
