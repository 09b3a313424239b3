// Layer rules from DESIGN.md §4: which top-level folder may import which.
// Do not relax these rules: the engine must stay runnable without Electron, React or a DOM,
// and the renderer must stay runnable in a plain browser.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'http', 'net', 'stream', 'util'];

/** @param {string[]} patterns @param {string} message */
const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'docs/**', 'templates/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['engine/**'],
    rules: forbid(['electron', 'electron/*', 'react', 'react-dom', 'react/*', '@xyflow/*', '**/renderer/**', '**/electron/**'],
      'engine/ never imports electron, react, the DOM, renderer/ or electron/ (DESIGN.md §4).'),
  },
  {
    files: ['renderer/**'],
    rules: forbid(['electron', 'electron/*', '**/electron/**', ...nodeBuiltins, 'onnxruntime-node', '**/engine/host/**', '**/engine/cli/**', '**/engine/executors/**', '**/engine/trainer/**'],
      'renderer/ runs in a browser: it may import only engine\'s pure modules (schema, catalog, protocol types), never electron or Node (DESIGN.md §4).'),
  },
  {
    files: ['electron/preload/**', 'electron/common/**'],
    rules: forbid(['**/engine/**', '**/renderer/**', 'onnxruntime-node'],
      'electron/preload and electron/common never import the engine or the renderer; only electron/main may import the engine (DESIGN.md §4).'),
  },
  {
    files: ['electron/main/**'],
    rules: forbid(['**/renderer/**', 'react', 'react-dom'], 'electron/main never imports the renderer (DESIGN.md §4).'),
  },
);
