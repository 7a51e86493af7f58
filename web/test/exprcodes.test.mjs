// Every way the server can refuse an expression has its Korean sentence: the codes and their
// values' keys are read from src/expr.h's one list (CLOPT_EXPR_ERRORS), and each code needs
// TEXT.ko.expr_<code> using only those keys; a template no code has is a leftover.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { setLanguage, TEXT } from '../js/i18n.js';
import { errorText } from '../js/ownfunction.js';

const header = readFileSync(new URL('../../src/expr.h', import.meta.url), 'utf8');
const rows = [...header.matchAll(/^\s*X\([A-Z_]+, "([a-z_]+)", "([a-z ]*)"\)/gm)]
  .map(([, code, keys]) => ({ code, keys: keys.split(' ').filter(Boolean) }));

test('src/expr.h lists the error codes', () => {
  assert.ok(rows.length >= 20, `only ${rows.length} rows read from CLOPT_EXPR_ERRORS`);
  const max = Number(/#define CLOPT_EXPR_MAX_ARGS (\d+)/.exec(header)[1]);
  for (const { code, keys } of rows) assert.ok(keys.length <= max, `"${code}" has more values than ${max}`);
  assert.ok(rows.some((r) => r.code === 'unknown_name' && r.keys.join() === 'name,column'));
});

test('every expression error code has a Korean sentence with its values, and no other', () => {
  for (const { code, keys } of rows) {
    const template = TEXT.ko[`expr_${code}`];
    assert.ok(template, `web/js/i18n.js has no TEXT.ko.expr_${code} for src/expr.h's "${code}"`);
    const used = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const k of used) assert.ok(keys.includes(k), `expr_${code} uses {${k}}, not a value of "${code}"`);
    assert.match(template, /[가-힣]/, `expr_${code} is not Korean`);
  }
  const codes = new Set(rows.map((r) => `expr_${r.code}`));
  const extra = Object.keys(TEXT.ko).filter((k) => k.startsWith('expr_') && !codes.has(k));
  assert.deepEqual(extra, [], 'Korean sentences for codes src/expr.h does not have');
});

test('errorText: Korean from the code and values, English and unknown codes from the server', () => {
  globalThis.document = { documentElement: {}, title: '' };
  const refused = {
    error: "unknown name 'z' at column 1; the variables are x and y", column: 1, length: 1,
    code: 'unknown_name', args: { name: 'z', column: 1 },
  };
  try {
    setLanguage('ko');
    assert.equal(errorText(refused, 'z + 1'), '1번째 글자의 "z"는 알 수 없는 이름입니다. 변수는 x와 y뿐입니다.');
    assert.equal(errorText({ ...refused, code: 'no_such_code' }, 'z + 1'), refused.error);
    assert.equal(errorText({ error: 'out of memory' }, 'x'), 'out of memory');
    // a byte the server shows as 0xe3 is shown as the character typed there
    const korean = { error: '…', column: 3, code: 'unexpected', args: { found: '0xe3', column: 3 } };
    assert.match(errorText(korean, 'x+ㅌ'), /^3번째 글자의 'ㅌ'은 식에/);
    assert.match(errorText({ ...korean, args: { found: "'#'", column: 3 } }, 'x+#'), /^3번째 글자의 '#'은/);
    assert.match(errorText({ error: '…', code: 'too_long', args: { count: 1001, limit: 1000 } }, ''),
      /1,001자.*1,000자/);
    setLanguage('en');
    assert.equal(errorText(refused, 'z + 1'), refused.error);
  } finally {
    setLanguage('en');
    delete globalThis.document;
  }
});
