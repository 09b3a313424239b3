// The layers of the source tree and what each may import (DESIGN.md §4), written once:
// eslint.config.js turns this table into allow-list rules and test/lint/layers.test.ts proves
// that every forbidden direction fails lint. Do not relax these rules: the pure engine runs in
// the renderer and in any JavaScript host, and the renderer runs in a plain browser.

/** Engine code that imports nothing from Node, electron, react or the DOM. */
export const PURE_ENGINE = ['engine/graph', 'engine/cell', 'engine/ir', 'engine/blocks', 'engine/compiler', 'engine/protocol', 'engine/datasets'];

/** Engine code that runs only on Node: files, processes, ONNX Runtime. */
export const NODE_ENGINE = ['engine/executors', 'engine/trainer', 'engine/inference', 'engine/model', 'engine/files', 'engine/host', 'engine/cli', 'engine/bench'];

const ENGINE = [...PURE_ENGINE, ...NODE_ENGINE];

/** Packages the Node engine uses; the bench layer adds TensorFlow.js, its speed peer. */
const NODE_ENGINE_PACKAGES = ['zod', 'onnxruntime-node', 'onnx-proto', 'ws', 'commander', 'cli-progress'];

/**
 * @typedef {object} Layer
 * @property {string[]} folders Folders (from the repository root) that make up the layer; files
 *   in one folder may always import each other.
 * @property {string[]} mayImport The only other folders the layer may import.
 * @property {string[]} packages The only npm packages the layer may import.
 * @property {boolean} node Whether it may import Node's built-in modules.
 * @property {string} why Shown with every violation.
 */

/** @type {Record<string, Layer>} */
export const LAYERS = {
  'engine/blocks': {
    folders: ['engine/blocks'],
    mayImport: ['engine/graph', 'engine/cell', 'engine/ir'],
    packages: ['zod'],
    node: false,
    why: 'blocks are what the compiler compiles, so they never import engine/compiler, and they are pure engine code',
  },
  'pure engine': {
    folders: PURE_ENGINE.filter((folder) => folder !== 'engine/blocks'),
    mayImport: PURE_ENGINE,
    packages: ['zod', 'jsonc-parser'],
    node: false,
    why: 'the pure engine also runs in the renderer: nothing from Node, electron, react, the DOM or the Node engine',
  },
  'Node engine': {
    folders: NODE_ENGINE.filter((folder) => folder !== 'engine/bench'),
    mayImport: ENGINE,
    packages: NODE_ENGINE_PACKAGES,
    node: true,
    why: 'the engine never imports electron, react, the renderer or electron/',
  },
  'engine/bench': {
    folders: ['engine/bench'],
    mayImport: ENGINE,
    packages: [...NODE_ENGINE_PACKAGES, '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
    node: true,
    why: 'the engine never imports electron, react, the renderer or electron/',
  },
  renderer: {
    folders: ['renderer'],
    mayImport: [...PURE_ENGINE, 'electron/common'],
    packages: ['react', 'react-dom', 'react-i18next', 'i18next', '@xyflow/react', 'zustand', 'immer', 'uplot', 'zod', 'elkjs', 'fuse.js'],
    node: false,
    why: 'the renderer runs in a browser: only the pure engine, electron/common and browser packages, never electron, Node or the Node engine',
  },
  'electron/common': {
    folders: ['electron/common'],
    mayImport: [],
    packages: ['zod'],
    node: false,
    why: 'electron/common is shared with the renderer: never the engine, the renderer, electron or Node',
  },
  'electron/preload': {
    folders: ['electron/preload'],
    mayImport: ['electron/common'],
    packages: ['electron'],
    node: false,
    why: 'the preload is a narrow bridge: never the engine or the renderer; only electron/main may import the engine',
  },
  'electron/main': {
    folders: ['electron/main'],
    mayImport: ['electron/common', ...ENGINE],
    packages: ['electron', 'zod'],
    node: true,
    why: 'electron/main never imports the renderer or the preload',
  },
};
