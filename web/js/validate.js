// Checks what a student types, as it is typed, against the ranges the server publishes
// (/api/v1/optimizers: {min, min_inclusive, max, max_inclusive} or {type: 'boolean'}), so a
// run is refused with a sentence before anything is sent. Pure: no DOM, tested with node's
// test runner (web/test/); the sentences are i18n.js's problemText.

import { parseSpec } from './spec.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * {value} for a valid text (value undefined for an empty optional field) or {problem: {kind:
 * 'number' | 'min' | 'max' | 'integer' | 'word', bound, inclusive, words, text}}.
 */
export function checkValue(text, range = {}, { integer = false, optional = false } = {}) {
  const s = String(text).trim();
  if (s === '' && optional) return { value: undefined };
  if (range.words) { // a word (Muon's adjust_lr), bare or in quotes as a spec writes it
    const w = s.replace(/^(["'])(.*)\1$/, '$2');
    if (range.words.includes(w)) return { value: w };
    return { problem: { kind: 'word', words: range.words, text: s } };
  }
  integer = integer || range.type === 'integer';
  const v = Number(s);
  if (!NUMBER.test(s) || !Number.isFinite(v)) return { problem: { kind: 'number', text: s } };
  const minIn = range.min_inclusive !== false;
  const maxIn = range.max_inclusive !== false;
  if (range.min !== undefined && range.min !== null && (minIn ? v < range.min : v <= range.min)) {
    return { problem: { kind: 'min', bound: range.min, inclusive: minIn, text: s } };
  }
  if (range.max !== undefined && range.max !== null && (maxIn ? v > range.max : v >= range.max)) {
    return { problem: { kind: 'max', bound: range.max, inclusive: maxIn, text: s } };
  }
  if (integer && !Number.isInteger(v)) return { problem: { kind: 'integer', text: s } };
  return { value: v };
}

/**
 * Checks an optimizer spec in Keras call syntax ("sgd(lr=0.1, nesterov=True)") against the
 * catalogue: null when it is valid, else {kind: 'spec'} (not call syntax), {kind: 'optimizer',
 * text} (no such optimizer), {kind: 'param', info, text} (no such hyperparameter) or {kind:
 * 'range', info, h, problem} (a value outside the hyperparameter's range).
 */
export function checkSpec(text, infos) {
  const spec = parseSpec(text);
  if (!spec) return { kind: 'spec' };
  const info = infos.find((o) => o.key === spec.key);
  if (!info) return { kind: 'optimizer', text: spec.key };
  for (const [name, value] of Object.entries(spec.params)) {
    const h = info.hyperparameters.find((p) => p.name === (name === 'learning_rate' ? 'lr' : name));
    if (!h) return { kind: 'param', info, text: name };
    if (h.range && h.range.type === 'boolean') {
      if (typeof value !== 'boolean') return { kind: 'range', info, h, problem: { kind: 'number', text: String(value) } };
      continue;
    }
    const r = checkValue(String(value), h.range);
    if (r.problem) return { kind: 'range', info, h, problem: r.problem };
  }
  return null;
}
