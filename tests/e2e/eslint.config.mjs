// ESLint for the page's modules, their unit tests and the browser tests (tools/test's lint
// stage): eslint's recommended rules and a few that catch what the page's reviews found by
// hand. Run from the repository root:
//   tests/e2e/node_modules/.bin/eslint -c tests/e2e/eslint.config.mjs web tests/e2e
import js from '@eslint/js';

const browser = Object.fromEntries([
  'document', 'window', 'location', 'history', 'navigator', 'localStorage', 'requestAnimationFrame',
  'setTimeout', 'clearTimeout', 'fetch', 'EventSource', 'URL', 'Blob', 'Image', 'Option', 'Event',
  'XMLSerializer', 'console',
].map((name) => [name, 'readonly']));

const node = Object.fromEntries([
  'process', 'console', 'setTimeout', 'clearTimeout', 'URL', 'globalThis', 'fetch',
].map((name) => [name, 'readonly']));

export default [
  { ignores: ['**/node_modules/**', 'web/doc/**'] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  // d3 is a classic script (index.html); each module that uses it says /* global d3 */.
  {
    files: ['web/js/**/*.js'],
    languageOptions: { globals: browser },
    rules: {
      'no-shadow': 'error',
      // A longer function says why beside it (eslint-disable-next-line ... -- the reason):
      // the views' factories, whose inner functions are each held to the limit.
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // the browser tests' page.evaluate callbacks run in the page
    files: ['web/test/**/*.mjs', 'tests/e2e/**/*.mjs'],
    languageOptions: { globals: { ...node, ...browser, MutationObserver: 'readonly', NodeFilter: 'readonly', getComputedStyle: 'readonly' } },
  },
];
