// Every way the server can refuse a request has the page's sentence in English and in Korean:
// the codes and their values' keys are read from src/server/refusals.c's one list, and each
// code needs REFUSALS[code].en and .ko using only those keys; a sentence no code has is a
// leftover. refusalText fills the sentence from the reply's args.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { REFUSALS, refusalText } from '../js/refusals.js';

const source = readFileSync(new URL('../../src/server/refusals.c', import.meta.url), 'utf8');
const rows = [...source.slice(source.indexOf('refusals[] = {')).matchAll(/^\s*\{"([a-z0-9_]+)", "([a-z ]*)",/gm)]
  .map(([, code, keys]) => ({ code, keys: keys.split(' ').filter(Boolean) }));

test('src/server/refusals.c lists the refusal codes', () => {
  assert.ok(rows.length >= 60, `only ${rows.length} rows read from src/server/refusals.c`);
  assert.ok(rows.some((r) => r.code === 'too_many_points' && r.keys.join() === 'trajectories,points,total,limit'));
});

test('every refusal code has an English and a Korean sentence with its values, and no other', () => {
  for (const { code, keys } of rows) {
    const row = REFUSALS[code];
    assert.ok(row, `web/js/refusals.js has no sentences for src/server/refusals.c's "${code}"`);
    for (const lang of ['en', 'ko']) {
      assert.ok(row[lang], `REFUSALS.${code}.${lang} is missing`);
      for (const [, k] of row[lang].matchAll(/\{(\w+)\}/g)) {
        assert.ok(keys.includes(k), `REFUSALS.${code}.${lang} uses {${k}}, not a value of "${code}"`);
      }
    }
    assert.match(row.ko, /[가-힣]/, `REFUSALS.${code}.ko is not Korean`);
    assert.doesNotMatch(row.en, /[가-힣]/, `REFUSALS.${code}.en is not English`);
  }
  const codes = new Set(rows.map((r) => r.code));
  assert.deepEqual(Object.keys(REFUSALS).filter((c) => !codes.has(c)), [], 'sentences for codes the server does not have');
  // an expression's codes (src/expr.h, worded by ownfunction.js) are another list: no code in both
  const expr = readFileSync(new URL('../../src/expr.h', import.meta.url), 'utf8');
  const exprCodes = [...expr.matchAll(/^\s*X\([A-Z_]+, "([a-z_]+)"/gm)].map((m) => m[1]);
  assert.ok(exprCodes.length >= 20);
  assert.deepEqual(exprCodes.filter((c) => codes.has(c)), [], 'codes of both lists');
});

test('refusalText: the sentence of the code in either language, the server\'s own without one', () => {
  const body = {
    error: '200 trajectories x 100001 recorded points = 20000200 points; the limit is 20000000 per run (raise every or lower steps)',
    field: 'steps', code: 'too_many_points', args: { trajectories: 200, points: 100001, total: 20000200, limit: 20000000 },
  };
  assert.equal(refusalText(body, 'en'), '200 trajectories × 100,001 points each = 20,000,200 points, more than the 20,000,000 a run may have: use fewer steps, start points or optimizers.');
  assert.match(refusalText(body, 'ko'), /^궤적 200개 × 궤적마다 점 100,001개 = 점 20,000,200개로, 한 번에 계산할 수 있는 20,000,000개를/);
  assert.equal(refusalText({ ...body, code: 'no_such_code' }, 'ko'), body.error);
  assert.equal(refusalText({ error: 'vary[0]: too big', field: 'vary[0]' }, 'ko'), 'vary[0]: too big');
  const start = { error: '…', code: 'start_range', args: { field: 'starts[0]', axis: 'y', value: '1e+09' } };
  assert.equal(refusalText(start, 'en'), 'starts[0]: y = 1e+09 is out of range; |y| ≤ 1e6.');
});

test('Korean refusals say one particle, the one the word takes', () => {
  const body = { code: 'out_of_range', args: { field: 'steps', value: 7, min: 1, max: 5 } };
  const ko = refusalText(body, 'ko');
  assert.doesNotMatch(ko, /은\(는\)|이\(가\)|을\(를\)/);
  assert.match(ko, /= 7은 범위를/);
});
