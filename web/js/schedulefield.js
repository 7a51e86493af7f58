// An optimizer entry's learning-rate schedule: a menu of the schedules the server knows
// (GET /api/v1/schedules, never a list of our own), the chosen one's line in the page's
// language and a field per parameter. entry.schedule is {name, params} or null (the rate is
// lr throughout); the spec's schedule=... part comes from it (spec.js formatSchedule). The
// server judges the values: its refusal is shown under the entry, as for any setting.

import { language, t } from './i18n.js';

/** A parameter's field: a menu for a word, a box for true/false, else a text field. */
function paramInput(entry, p, onChange) {
  const v = entry.schedule.params[p.name];
  let input;
  if (p.choices) {
    input = document.createElement('select');
    for (const c of p.choices) input.add(new Option(c, c, false, c === (v ?? p.default)));
    input.addEventListener('change', () => { entry.schedule.params[p.name] = input.value; onChange(); });
  } else if (typeof p.default === 'boolean') {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.checked = Boolean(v ?? p.default);
    input.addEventListener('change', () => { entry.schedule.params[p.name] = input.checked; onChange(); });
  } else {
    input = document.createElement('input');
    input.type = 'text';
    input.inputMode = 'decimal';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.value = v === undefined || v === null ? '' : String(v);
    input.placeholder = p.default === null ? t('scheduleNeeded') : String(p.default);
    input.addEventListener('input', () => {
      const text = input.value.trim();
      if (text === '') delete entry.schedule.params[p.name];
      else entry.schedule.params[p.name] = Number.isNaN(Number(text)) ? text : Number(text);
      onChange();
    });
  }
  input.dataset.scheduleParam = p.name;
  input.setAttribute('aria-label', `${t('schedule')}: ${p.name} — ${p[language()] || p.en}`);
  const label = document.createElement('label');
  label.title = p[language()] || p.en;
  const name = document.createElement('span');
  name.className = 'param-name';
  const symbol = document.createElement('code');
  symbol.textContent = p.name;
  name.append(symbol);
  label.append(name, input);
  return label;
}

/**
 * The schedule part of entry i: schedules is /api/v1/schedules; steps the race's steps (a
 * new schedule's `steps` starts there). onChange() after a value changed, onRender() after
 * the schedule itself changed (the entry is drawn again).
 */
export function scheduleField(entry, i, schedules, { steps, onChange, onRender }) {
  const box = document.createElement('div');
  box.className = 'schedule';
  const label = document.createElement('label');
  const name = document.createElement('span');
  name.className = 'param-name';
  const symbol = document.createElement('code');
  symbol.textContent = 'schedule';
  name.append(`${t('schedule')} `, symbol);
  const menu = document.createElement('select');
  menu.dataset.schedule = i;
  menu.setAttribute('aria-label', `${t('schedule')} (${i + 1})`);
  menu.add(new Option(t('scheduleNone'), '', false, !entry.schedule));
  for (const s of schedules) menu.add(new Option(s.name, s.name, false, entry.schedule?.name === s.name));
  menu.addEventListener('change', () => {
    const s = schedules.find((x) => x.name === menu.value);
    entry.schedule = s ? { name: s.name, params: {} } : null;
    // the steps a schedule spans: the race's, so that it ends where the run does
    if (s && s.parameters.some((p) => p.name === 'steps' && p.required)) entry.schedule.params.steps = steps();
    entry.server = null;
    onRender();
  });
  label.append(name, menu);
  box.append(label);
  const s = entry.schedule && schedules.find((x) => x.name === entry.schedule.name);
  if (s) {
    const line = document.createElement('p');
    line.className = 'note schedule-line';
    line.textContent = s[language()] || s.en;
    const params = document.createElement('div');
    params.className = 'params';
    for (const p of s.parameters) params.append(paramInput(entry, p, onChange));
    box.append(line, params);
  }
  return box;
}
