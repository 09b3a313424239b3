// Layer rules from DESIGN.md §4, generated from the table in lint/layers.js.
// Do not relax these rules: the engine must stay runnable without Electron, React or a DOM,
// and the renderer must stay runnable in a plain browser.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import { LAYERS } from './lint/layers.js';

/** Every layer's folders, as boundaries elements whose type is the folder. */
const elements = Object.values(LAYERS).flatMap((layer) => layer.folders.map((folder) => ({ type: folder, pattern: `${folder}/**`, partialMatch: false })));

/**
 * One allow-list per layer: a file there may import its own layer's folders, the folders in
 * `mayImport`, the packages in `packages` and, where `node` is set, Node's built-in modules. Anything
 * else (a local file in no layer included) is an error that names the layer and why.
 */
const layerRules = Object.entries(LAYERS).map(([name, layer]) => {
  const allowed = [
    { to: { element: { type: [...layer.folders, ...layer.mayImport] } } },
    { to: { module: { origin: 'external', source: layer.packages } } },
    ...(layer.node ? [{ to: { module: { origin: 'core' } } }] : []),
  ];
  const may = [...layer.folders, ...layer.mayImport, ...layer.packages, ...(layer.node ? ['Node built-ins'] : [])];
  return {
    files: layer.folders.map((folder) => `${folder}/**`),
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        checkAllOrigins: true,
        checkUnknownLocals: true,
        policies: [{ allow: allowed }],
        message: `Layer "${name}" may not import {{dependency.source}}: ${layer.why}. It may import only ${may.join(', ')} (lint/layers.js, DESIGN.md §4).`,
      }],
    },
  };
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
    files: ['engine/**', 'renderer/**', 'electron/**'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': fileURLToPath(new URL('.', import.meta.url)),
      'boundaries/elements': elements,
      'boundaries/dependency-nodes': ['import', 'dynamic-import', 'export'],
    },
    // A file in no layer (a new engine folder) must be added to lint/layers.js before it lints.
    rules: { 'boundaries/no-unknown-files': 'error' },
  },
  ...layerRules,
);
