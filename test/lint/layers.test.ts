/**
 * The layer allow-lists of lint/layers.js, exercised through ESLint's own API with the project's
 * eslint.config.js: a probe file placed in each layer imports one thing, and lint must fail with
 * the layer's message exactly when the import crosses a layer the table does not allow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

interface Probe {
  /** Where the probe file sits, from the repository root (it need not exist). */
  file: string;
  /** What it imports, as written in the import statement. */
  source: string;
}

/** The messages of linting `import '<source>';` as if it were the file `file`. */
async function lintProbe({ file, source }: Probe): Promise<ESLint.LintResult['messages']> {
  const [result] = await eslint.lintText(`import '${source}';\n`, { filePath: join(ROOT, file) });
  return result.messages;
}

/** A local target must exist, or the probe would fail as an unknown file rather than as a layer violation. */
function assertTargetExists({ file, source }: Probe): void {
  if (!source.startsWith('.')) return;
  const target = resolve(ROOT, dirname(file), source);
  assert.ok(existsSync(target), `probe target ${target} does not exist`);
}

const FORBIDDEN: readonly (Probe & { layer: string })[] = [
  // renderer -> Node engine, Node, electron
  { layer: 'renderer', file: 'renderer/training/probe.ts', source: '../../engine/host/service.ts' },
  { layer: 'renderer', file: 'renderer/training/probe.ts', source: '../../engine/executors/index.ts' },
  { layer: 'renderer', file: 'renderer/training/probe.ts', source: '../../engine/trainer/train.ts' },
  { layer: 'renderer', file: 'renderer/training/probe.ts', source: '../../engine/model/atomic.ts' },
  { layer: 'renderer', file: 'renderer/training/probe.ts', source: '../../engine/files/dataset-files.ts' },
  { layer: 'renderer', file: 'renderer/probe.ts', source: 'node:fs' },
  { layer: 'renderer', file: 'renderer/probe.ts', source: 'path' },
  { layer: 'renderer', file: 'renderer/probe.ts', source: 'electron' },
  { layer: 'renderer', file: 'renderer/probe.ts', source: 'onnxruntime-node' },
  { layer: 'renderer', file: 'renderer/probe.ts', source: '../electron/preload/index.ts' },
  // pure engine -> Node, Node engine, UI
  { layer: 'engine/blocks', file: 'engine/blocks/probe.ts', source: 'node:fs' },
  { layer: 'pure engine', file: 'engine/graph/probe.ts', source: '../trainer/train.ts' },
  { layer: 'pure engine', file: 'engine/datasets/probe.ts', source: 'node:fs' },
  { layer: 'pure engine', file: 'engine/datasets/probe.ts', source: '../files/dataset-files.ts' },
  { layer: 'pure engine', file: 'engine/compiler/probe.ts', source: '../executors/index.ts' },
  { layer: 'pure engine', file: 'engine/protocol/probe.ts', source: 'react' },
  { layer: 'pure engine', file: 'engine/ir/probe.ts', source: 'onnxruntime-node' },
  // blocks -> compiler
  { layer: 'engine/blocks', file: 'engine/blocks/probe.ts', source: '../compiler/compile.ts' },
  // Node engine -> UI
  { layer: 'Node engine', file: 'engine/host/probe.ts', source: 'electron' },
  { layer: 'Node engine', file: 'engine/host/probe.ts', source: '../../renderer/store/ids.ts' },
  { layer: 'Node engine', file: 'engine/cli/probe.ts', source: '../../electron/common/api.ts' },
  // electron/common and electron/preload -> engine, renderer
  { layer: 'electron/common', file: 'electron/common/probe.ts', source: '../../engine/graph/schema.ts' },
  { layer: 'electron/common', file: 'electron/common/probe.ts', source: 'electron' },
  { layer: 'electron/common', file: 'electron/common/probe.ts', source: 'node:fs' },
  { layer: 'electron/preload', file: 'electron/preload/probe.ts', source: '../../engine/model/atomic.ts' },
  { layer: 'electron/preload', file: 'electron/preload/probe.ts', source: '../../renderer/store/ids.ts' },
  // electron/main -> renderer
  { layer: 'electron/main', file: 'electron/main/probe.ts', source: '../../renderer/store/ids.ts' },
];

const ALLOWED: readonly Probe[] = [
  { file: 'renderer/training/probe.ts', source: '../../engine/graph/schema.ts' },
  { file: 'renderer/training/probe.ts', source: '../../engine/datasets/copy-reverse.ts' },
  { file: 'renderer/training/probe.ts', source: '../../engine/datasets/index.ts' },
  { file: 'renderer/training/probe.ts', source: '../../electron/common/api.ts' },
  { file: 'renderer/training/probe.ts', source: '../store/ids.ts' },
  { file: 'renderer/probe.ts', source: 'react' },
  { file: 'renderer/probe.ts', source: '@xyflow/react/dist/style.css' },
  { file: 'engine/blocks/probe.ts', source: '../cell/cell.ts' },
  { file: 'engine/blocks/probe.ts', source: 'zod' },
  { file: 'engine/compiler/probe.ts', source: '../blocks/registry.ts' },
  { file: 'engine/graph/probe.ts', source: 'jsonc-parser' },
  { file: 'engine/host/probe.ts', source: 'node:fs' },
  { file: 'engine/host/probe.ts', source: 'ws' },
  { file: 'engine/host/probe.ts', source: '../compiler/compile.ts' },
  { file: 'engine/host/probe.ts', source: '../files/dataset-files.ts' },
  { file: 'engine/bench/probe.ts', source: '@tensorflow/tfjs' },
  { file: 'electron/preload/probe.ts', source: '../common/channels.ts' },
  { file: 'electron/main/probe.ts', source: '../../engine/model/atomic.ts' },
  { file: 'electron/main/probe.ts', source: 'electron' },
];

describe('layer allow-lists (lint/layers.js)', () => {
  for (const probe of FORBIDDEN) {
    test(`${probe.file} may not import ${probe.source}`, async () => {
      assertTargetExists(probe);
      const messages = await lintProbe(probe);
      const expected = `Layer "${probe.layer}" may not import ${probe.source}: `;
      assert.ok(
        messages.some((m) => m.ruleId === 'boundaries/dependencies' && m.severity === 2 && m.message.startsWith(expected)),
        `expected an error starting "${expected}", got ${JSON.stringify(messages.map((m) => m.message))}`,
      );
    });
  }

  for (const probe of ALLOWED) {
    test(`${probe.file} may import ${probe.source}`, async () => {
      assertTargetExists(probe);
      assert.deepEqual((await lintProbe(probe)).map((m) => m.message), []);
    });
  }

  test('type-only imports, re-exports and dynamic imports are checked too', async () => {
    const code = [
      "import type { Peer } from '../../engine/host/connections.ts';",
      "export * from '../../engine/trainer/train.ts';",
      "export const load = (): Promise<unknown> => import('node:fs');",
      'export type { Peer };',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'renderer/training/probe.ts') });
    const layerErrors = result.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.line);
    assert.deepEqual(layerErrors, [1, 2, 3], JSON.stringify(result.messages));
  });

  test('a file in a folder that no layer lists fails lint', async () => {
    const messages = await lintProbe({ file: 'engine/unlisted/probe.ts', source: 'zod' });
    assert.ok(messages.some((m) => m.ruleId === 'boundaries/no-unknown-files'), JSON.stringify(messages));
  });
});
