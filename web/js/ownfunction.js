// "Your own…" in the function menu: a text field for f(x, y). As the person types, the
// server checks the expression (GET /api/v1/check: it parses, it does not compile); an
// error is underlined at its column with its sentence (the server's in English, the page's
// template for the error's code in Korean), a valid expression becomes
// a function description the page uses like a catalogue entry (view [-2, 2]², start
// (1.5, 1.5), no minima).

import { check as checkText } from './api.js';
import { language, t, TEXT } from './i18n.js';

export const OWN = '__own__';

/** Whether a `function` value is an expression rather than a catalogue name. */
export function isExpression(text) {
  return !/^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(text) || /^\s*[xy]\s*$/.test(text);
}

/** The page's description of an expression, given the server's check answer. */
export function describe(checked) {
  return {
    name: checked.function, formula: checked.formula, tex: checked.tex,
    view: [-2, 2, -2, 2], start: [1.5, 1.5], minima: [], log_scale: false, own: true,
  };
}

/** Checks text on the server: {ok: true, fn} or {ok: false, error, column, length, code, args}. */
export async function check(text) {
  const r = await checkText('function', text);
  const { body } = r;
  if (r.ok && body.valid) return { ok: true, fn: describe(body) };
  return {
    ok: false, error: body.error || `HTTP ${r.status}`, column: body.column || 0, length: body.length || 1,
    code: body.code, args: body.args || {},
  };
}

/**
 * The sentence for a refused expression (check's result for text) in the page's language: the
 * template expr_<code> of i18n.js filled with the error's values, or the server's own
 * sentence in English and for a code without a template. A character the server shows as a
 * byte (0xed) is shown as typed: the parser stops at the first byte outside ASCII, so the
 * column is also its place in the JavaScript string.
 */
export function errorText(result, text) {
  const template = result.code && language() !== 'en' && TEXT[language()][`expr_${result.code}`];
  if (!template) return result.error;
  const vars = {};
  for (const [k, v] of Object.entries(result.args || {})) {
    vars[k] = typeof v === 'number' ? v.toLocaleString(language()) : v;
  }
  const typed = result.column ? text.codePointAt(result.column - 1) : undefined;
  if (/^0x/.test(vars.found ?? '') && typed > 0x7f) vars.found = `'${String.fromCodePoint(typed)}'`;
  return t(`expr_${result.code}`, vars);
}

/**
 * A canonical formula ("(1-x)^2+100*(y-x^2)^2") as HTML: exponents raised, variables in
 * italics, '*' as a centred dot. Only the server's canonical text comes here, but every
 * character is escaped all the same.
 */
export function formulaHtml(text) {
  let i = 0;
  // an exponent: a group (shown without its parentheses, the raise groups it) or a
  // signed number, name or call, itself raised when a ^ follows (right-associative)
  function atom() {
    let out;
    if (text[i] === '(') {
      const start = i++;
      let depth = 1;
      while (i < text.length && depth) depth += { '(': 1, ')': -1 }[text[i++]] || 0;
      out = render(text.slice(start + 1, i - 1));
    } else {
      const m = /^-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*(?:\([^()]*\))?)/
        .exec(text.slice(i));
      const tok = m ? m[0] : text[i];
      i += tok.length;
      out = render(tok);
    }
    if (text[i] === '^') {
      i++;
      out += `<sup>${atom()}</sup>`;
    }
    return out;
  }
  function render(s) {
    if (s !== text) return formulaHtml(s);
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '^') {
        i++;
        out += `<sup>${atom()}</sup>`;
      } else if (/[A-Za-z_]/.test(c)) {
        const w = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))[0];
        i += w.length;
        out += w === 'x' || w === 'y' ? `<i>${w}</i>` : w === 'pi' ? 'π' : w === 'e' ? '<i>e</i>' : w;
      } else {
        i++;
        out += c === '*' ? ' · ' : c === '+' || (c === '-' && i > 1 && !'(,^*/'.includes(text[i - 2]))
          ? ` ${c === '-' ? '−' : c} ` : c === '-' ? '−' : escapeHtml(c);
      }
    }
    return out;
  }
  return render(text);
}

function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

/**
 * Adds the menu entry and the field. onValid(fn) is called with each valid expression
 * (after the person stops typing for a moment, or presses Enter).
 */
// eslint-disable-next-line max-lines-per-function -- the field's closure over its input, its timer and the last check; each function inside is checked on its own
export function setupOwnFunction(select, { onValid }) {
  const entry = new Option(t('ownFunction'), OWN);
  entry.dataset.i18n = 'ownFunction'; // translatePage words it again on a language switch
  select.add(entry);
  const box = document.createElement('div');
  box.className = 'own-function';
  box.hidden = true;
  box.innerHTML = `<input id="own-function" type="text" spellcheck="false" autocomplete="off"
      data-i18n-placeholder="ownPlaceholder">
    <div id="own-echo" class="own-echo" aria-hidden="true"></div>
    <div id="own-error" class="own-error" role="alert"></div>`;
  select.closest('label').after(box);
  const input = box.querySelector('#own-function');
  const echo = box.querySelector('#own-echo');
  const message = box.querySelector('#own-error');
  input.placeholder = t('ownPlaceholder');
  let timer = null;
  let asked = 0;
  let refused = null; // the error shown and its text, worded again on a language switch

  function show(result, text) {
    if (result.ok) {
      refused = null;
      echo.innerHTML = '';
      message.textContent = '';
      delete document.body.dataset.ownError;
      input.removeAttribute('aria-invalid');
      return;
    }
    const at = Math.max(result.column - 1, 0);
    const end = result.column ? at + result.length : at;
    echo.innerHTML = result.column
      ? `${escapeHtml(text.slice(0, at))}<mark data-column="${result.column}">${
        escapeHtml(text.slice(at, end)) || '&nbsp;'}</mark>${escapeHtml(text.slice(end))}`
      : '';
    refused = { result, text };
    message.textContent = errorText(result, text);
    document.body.dataset.ownError = result.error;
    input.setAttribute('aria-invalid', 'true');
  }

  async function verify() {
    const text = input.value;
    const mine = ++asked;
    if (!text.trim()) return;
    const result = await check(text);
    if (mine !== asked) return; // a later keystroke has its own answer
    show(result, text);
    if (result.ok) onValid(result.fn);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(verify, 300);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      clearTimeout(timer);
      verify();
    }
  });

  return {
    /** Shows the field (with text) or hides it. */
    open(text) {
      box.hidden = false;
      if (text !== undefined) input.value = text;
      input.placeholder = t('ownPlaceholder');
      input.focus();
    },
    close() {
      box.hidden = true;
    },
    /** Words the field's placeholder and its error again, in the current language. */
    relabel() {
      input.placeholder = t('ownPlaceholder');
      if (refused) message.textContent = errorText(refused.result, refused.text);
    },
  };
}
