// Optimizer specs in Keras call syntax, as the server takes them: "adam(lr=0.05)".
// Pure: no DOM, tested with node's test runner (web/test/).

/** Formats a number the way Python's repr does for the values people type: 0.05, 1e-08. */
export function formatNumber(v) {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * The spec of one optimizer entry: only the hyperparameters that differ from the defaults,
 * in the catalogue's order. `info` is an entry of /api/v1/optimizers.
 */
export function formatSpec(info, params) {
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
  return `${info.key}(${parts.join(', ')})`;
}

/**
 * Parses "sgd(lr=0.1, momentum=0.9, nesterov=True)" into {key, params}; null if it is not
 * call syntax. Values stay as typed when they are not numbers or booleans (the server
 * judges them and says what is wrong).
 */
export function parseSpec(text) {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/.exec(text);
  if (!m) return null;
  const params = {};
  const body = (m[2] || '').trim();
  if (body) {
    for (const item of body.split(',')) {
      const kv = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/.exec(item);
      if (!kv) return null;
      const raw = kv[2];
      if (/^(true|false)$/i.test(raw)) params[kv[1]] = /^true$/i.test(raw);
      else if (raw !== '' && !Number.isNaN(Number(raw))) params[kv[1]] = Number(raw);
      else params[kv[1]] = raw.replace(/^(["'])(.*)\1$/, '$2'); // a word: its quotes dropped
    }
  }
  return { key: m[1].toLowerCase(), params };
}
