// The optimizer entries: kind, hyperparameters pre-filled with the Keras defaults (the
// inputs carry the catalogue's ranges), remove, and the server's message next to the entry
// it rejected.

import { t } from './i18n.js';
import { colour } from './scales.js';

function rangeAttributes(input, range) {
  if (!range) return;
  if (range.min !== undefined) input.min = range.min;
  if (range.max !== undefined) input.max = range.max;
}

function paramInput(entry, h, onChange) {
  const label = document.createElement('label');
  label.textContent = h.name;
  const input = document.createElement('input');
  input.dataset.param = h.name;
  if (h.range && h.range.type === 'boolean') {
    input.type = 'checkbox';
    input.checked = Boolean(entry.params[h.name] ?? h.default);
    input.addEventListener('change', () => {
      entry.params[h.name] = input.checked;
      onChange();
    });
  } else {
    input.type = 'number';
    input.step = 'any';
    rangeAttributes(input, h.range);
    const v = entry.params[h.name] ?? h.default;
    input.value = v === null || v === undefined ? '' : String(v);
    if (h.default === null) input.placeholder = 'off';
    input.addEventListener('change', () => {
      const text = input.value.trim();
      if (text === '') delete entry.params[h.name];
      else entry.params[h.name] = Number.isNaN(Number(text)) ? text : Number(text);
      onChange();
    });
  }
  label.append(input);
  return label;
}

/**
 * Renders entries ([{key, params, error}]) into container; infos is /api/v1/optimizers.
 * onChange() after an edit, onRemove(index) for the remove button.
 */
export function renderEntries(container, entries, infos, { onChange, onRemove }) {
  container.replaceChildren();
  entries.forEach((entry, i) => {
    const info = infos.find((o) => o.key === entry.key);
    const box = document.createElement('div');
    box.className = 'entry';
    box.dataset.entry = i;
    box.style.setProperty('--c', colour(i));
    const head = document.createElement('header');
    const kind = document.createElement('select');
    kind.setAttribute('aria-label', t('optimizers'));
    for (const o of infos) kind.add(new Option(o.name, o.key, false, o.key === entry.key));
    kind.addEventListener('change', () => {
      entry.key = kind.value;
      entry.params = {};
      entry.error = null;
      onChange(true);
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
    for (const h of info.hyperparameters) params.append(paramInput(entry, h, onChange));
    box.append(head, params);
    if (entry.error) {
      const err = document.createElement('p');
      err.className = 'error';
      err.dataset.entryError = i;
      err.textContent = entry.error;
      box.append(err);
      for (const input of params.querySelectorAll('input')) {
        if (new RegExp(`\\b${input.dataset.param}\\b`).test(entry.error)) input.classList.add('rejected');
      }
    }
    container.append(box);
  });
}
