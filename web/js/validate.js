// Checks what a student types, as it is typed, against the ranges the server publishes
// (/api/v1/optimizers: {min, min_inclusive, max, max_inclusive} or {type: 'boolean'}), so a
// run is refused with a sentence before anything is sent. Pure: no DOM, tested with node's
// test runner (web/test/); the sentences are i18n.js's problemText.

import { parseSpec } from './spec.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * {value} for a valid text (value undefined for an empty optional field) or {problem: {kind:
 * 'number' | 'min' | 'max' | 'integer', bound, inclusive, text}}.
 */
export function checkValue(text, range = {}, { integer = false, optional = false } = {}) {
  const s = String(text).trim();
  if (s === '' && optional) return { value: undefined };
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

/**
 * Reads a refusal of the server ({error, field}) that names an optimizer's hyperparameter:
 * {entry, param, value} ("optimizers[0]: SGD: momentum=-1.0 is out of range ..."), else null.
 */
export function refusedParameter(body) {
  const m = /^optimizers\[(\d+)\]$/.exec(body.field || '');
  if (!m) return null;
  const p = /:\s*([A-Za-z_]\w*)=(\S+) is out of range/.exec(body.error || '');
  return { entry: Number(m[1]), param: p ? p[1] : null, value: p ? p[2] : null };
}

/**
 * The server's refusal of a run that would record too many points ("210 trajectories x
 * 100001 recorded points = 21000210 points; the limit is N per run ..."), read into
 * {trajectories, points, total, limit}; null for any other sentence.
 */
export function tooManyPoints(error) {
  const m = /^(\d+) trajectories x (\d+) recorded points = (\d+) points; the limit is (\d+)/.exec(error || '');
  return m ? { trajectories: +m[1], points: +m[2], total: +m[3], limit: +m[4] } : null;
}
