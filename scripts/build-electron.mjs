// Bundles the Electron side with esbuild (the renderer is built by `vite build`):
//   electron/main/main.ts    → dist/electron/main.cjs         (main process)
//   electron/preload/index.ts → dist/electron/preload.cjs      (sandboxed preload: may require only 'electron')
//   engine/host/main.ts      → dist/electron/engine-host.cjs  (the engine, run as a utility process)
// Each is one CommonJS file with its dependencies inlined, except Electron itself and
// onnxruntime-node, whose native add-on has to stay a file of its own (electron-builder unpacks it
// from app.asar). Usage: node scripts/build-electron.mjs [--outdir <dir>] [--only main,preload,engine-host]
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Electron 45 runs Chromium 140 and Node 22; node20 output also runs under a plain Node 20.
const NODE_TARGET = 'node20';
const CHROME_TARGET = 'chrome140';

/** The value after `flag`, or undefined when the flag is absent. */
function optionValue(argv, flag) {
  const i = argv.indexOf(flag);
  if (i === -1) return undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith('--')) {
    console.error(`build-electron: ${flag} needs a value`);
    process.exit(2);
  }
  return value;
}

const common = {
  bundle: true,
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
};

/** The bundles, in the order they are built. */
function bundles(outDir) {
  return [
    {
      name: 'main',
      options: {
        ...common,
        entryPoints: [join(root, 'electron/main/main.ts')],
        outfile: join(outDir, 'main.cjs'),
        platform: 'node',
        target: NODE_TARGET,
        external: ['electron', 'onnxruntime-node'],
        // Main checks document backups with the engine's graph parser, which uses jsonc-parser (see engine-host).
        mainFields: ['module', 'main'],
      },
    },
    {
      name: 'preload',
      options: {
        ...common,
        entryPoints: [join(root, 'electron/preload/index.ts')],
        outfile: join(outDir, 'preload.cjs'),
        // A sandboxed preload is browser-like: no Node built-ins, only require('electron').
        platform: 'browser',
        target: CHROME_TARGET,
        external: ['electron'],
      },
    },
    {
      name: 'engine-host',
      options: {
        ...common,
        entryPoints: [join(root, 'engine/host/main.ts')],
        outfile: join(outDir, 'engine-host.cjs'),
        platform: 'node',
        target: NODE_TARGET,
        external: ['onnxruntime-node'],
        // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow;
        // its ES module build bundles cleanly.
        mainFields: ['module', 'main'],
        // The engine loads onnxruntime-node with import(); as require() it is resolved by the
        // CommonJS loader, which reads app.asar and finds the add-on in app.asar.unpacked.
        supported: { 'dynamic-import': false },
      },
    },
  ];
}

async function main() {
  const argv = process.argv.slice(2);
  const outDir = resolve(optionValue(argv, '--outdir') ?? join(root, 'dist', 'electron'));
  const all = bundles(outDir);
  const only = optionValue(argv, '--only')?.split(',');
  const unknown = only?.filter((name) => !all.some((b) => b.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`build-electron: no bundle named ${unknown.join(', ')} (there are ${all.map((b) => b.name).join(', ')})`);
    process.exit(2);
  }
  for (const bundle of all.filter((b) => only === undefined || only.includes(b.name))) {
    const entry = bundle.options.entryPoints[0];
    if (!existsSync(entry)) {
      console.error(`build-electron: the ${bundle.name} bundle's entry ${entry} does not exist`);
      process.exit(1);
    }
    try {
      await build(bundle.options);
    } catch {
      // esbuild has already printed what went wrong, with file and line.
      console.error(`build-electron: the ${bundle.name} bundle failed`);
      process.exit(1);
    }
    console.log(`build-electron: ${bundle.options.outfile}`);
  }
}

await main();
