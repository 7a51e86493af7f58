// Optimizer specs in Keras call syntax, as the server takes them: "adam(lr=0.05)".
// Pure: no DOM, tested with node's test runner (web/test/).

/** Formats a number the way Python's repr does for the values people type: 0.05, 1e-08. */
export function formatNumber(v) {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** One value as a spec writes it: True/False, a number as Python prints it, a word quoted. */
function valueText(v, boolean) {
  if (boolean || typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatNumber(v);
  return /^[A-Za-z_]\w*$/.test(v) ? `"${v}"` : String(v);
}

/**
 * A schedule's part of a spec, "cosine(steps=500, warmup=10)": the parameters that are
 * needed or differ from their defaults, in the order of /api/v1/schedules' entry `sched`;
 * without that entry (a spec's schedule passed through as parsed), every parameter given.
 * schedule: {name, params}.
 */
export function formatSchedule(sched, schedule) {
  const parts = [];
  const parameters = sched ? sched.parameters
    : Object.keys(schedule.params).map((name) => ({ name, required: true, default: null }));
  for (const p of parameters) {
    const v = schedule.params[p.name];
    if (v === undefined || v === null || v === '' || (!p.required && v === p.default)) continue;
    // whole numbers as such: a schedule's steps and warmup count steps ("steps=500")
    parts.push(`${p.name}=${Number.isInteger(v) ? String(v) : valueText(v, typeof p.default === 'boolean')}`);
  }
  return `${schedule.name}(${parts.join(', ')})`;
}

/**
 * The spec of one optimizer entry: only the hyperparameters that differ from the defaults,
 * in the catalogue's order, then its schedule if it has one. `info` is an entry of
 * /api/v1/optimizers; schedule {name, params} with `sched` its entry of /api/v1/schedules
 * (or null: its parameters as given).
 */
export function formatSpec(info, params, schedule = null, sched = null) {
  const parts = [];
  for (const h of info.hyperparameters) {
    const v = params[h.name];
    if (v === undefined || v === null || v === '') continue;
    if (h.range && h.range.type === 'boolean') {
      if (Boolean(v) !== Boolean(h.default)) parts.push(`${h.name}=${v ? 'True' : 'False'}`);
    } else if (h.range && h.range.words) {
      if (v !== h.default) parts.push(`${h.name}="${v}"`); // a word, quoted as Python writes it
    } else if (v !== h.default) {
      parts.push(`${h.name}=${typeof v === 'number' ? formatNumber(v) : v}`);
    }
  }
  if (schedule) parts.push(`schedule=${formatSchedule(sched, schedule)}`);
  return `${info.key}(${parts.join(', ')})`;
}

/** The items of a call's argument list split at its top-level commas ("a=1, s=f(b=2, c=3)"). */
function topLevel(body) {
  const items = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === ',' && depth === 0) {
      items.push(body.slice(from, i));
      from = i + 1;
    }
  }
  items.push(body.slice(from));
  return depth === 0 ? items : null;
}

/**
 * Parses "sgd(lr=0.1, momentum=0.9, nesterov=True, schedule=cosine(steps=500))" into {key,
 * params, schedule} (schedule: {name, params} or null); null if it is not call syntax.
 * Values stay as typed when they are not numbers or booleans (the server judges them and
 * says what is wrong); a quoted word loses its quotes.
 */
export function parseSpec(text) {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/s.exec(text);
  if (!m) return null;
  const params = {};
  let schedule = null;
  const body = (m[2] || '').trim();
  const items = body ? topLevel(body) : [];
  if (!items) return null;
  for (const item of items) {
    const kv = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/s.exec(item);
    if (!kv) return null;
    const raw = kv[2];
    if (kv[1] === 'schedule') {
      const inner = parseSpec(raw);
      if (!inner || inner.schedule) return null;
      schedule = { name: inner.key, params: inner.params };
    } else if (/^(true|false)$/i.test(raw)) params[kv[1]] = /^true$/i.test(raw);
    else if (raw !== '' && !Number.isNaN(Number(raw))) params[kv[1]] = Number(raw);
    else params[kv[1]] = raw.replace(/^(["'])(.*)\1$/, '$2');
  }
  return { key: m[1].toLowerCase(), params, schedule };
}
