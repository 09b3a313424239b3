/**
 * The files scripts/write-json-schema.ts generates are current, the JSON Schemas are well-formed
 * draft 2020-12, and the examples in docs/graph-format.md and docs/model-format.md are real,
 * canonical files that the engine accepts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PortType } from '../../../engine/blocks/types.ts';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { analyzeGraph, type StreamTypes } from '../../../engine/compiler/validate.ts';
import { loadDataset, type Stream } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { parseGraphText, serializeGraph } from '../../../engine/graph/document.ts';
import { BLOCKS } from '../../../engine/blocks/registry.ts';
import { checkWeightsAgainst, readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { generatedFiles, replaceMarked } from '../../../scripts/write-json-schema.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

/** The ```json block right after `<!-- example:NAME -->`. */
function example(markdown: string, name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  assert.ok(match, `no example '${name}'`);
  return match[1];
}

describe('generated docs', () => {
  for (const file of generatedFiles()) {
    it(`${file.path} is current (run npm run schema after changing a schema, block or dataset)`, () => {
      assert.equal(read(file.path), file.text, `${file.path} is stale: run npm run schema`);
    });
  }

  for (const path of ['docs/graph.schema.json', 'docs/model.schema.json']) {
    it(`${path} is JSON Schema draft 2020-12 whose every $ref resolves`, () => {
      const schema: unknown = JSON.parse(read(path));
      assert.ok(typeof schema === 'object' && schema !== null);
      assert.equal((schema as { $schema?: unknown }).$schema, 'https://json-schema.org/draft/2020-12/schema');
      const refs: string[] = [];
      const keys = new Set<string>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (typeof node === 'object' && node !== null)
          for (const [key, value] of Object.entries(node)) {
            keys.add(key);
            if (key === '$ref' && typeof value === 'string') refs.push(value);
            walk(value);
          }
      };
      walk(schema);
      assert.ok(!keys.has('definitions'), 'draft 2020-12 keeps definitions under $defs');
      for (const ref of refs) {
        assert.match(ref, /^#\//, `${ref} points inside the file`);
        const target = ref
          .slice(2)
          .split('/')
          .reduce<unknown>((at, part) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), schema);
        assert.ok(typeof target === 'object' && target !== null, `${ref} resolves`);
      }
    });
  }

  it('the block table lists every block of the registry', () => {
    const md = read('docs/graph-format.md');
    for (const b of BLOCKS) assert.match(md, new RegExp(`\\| \`${b.type}\`<br>`), b.type);
  });

  it('replaceMarked refuses a document without its markers', () => {
    assert.throws(() => replaceMarked('# no markers', 'blocks', 'x'), /<!-- blocks:start --> … <!-- blocks:end --> are missing/);
    assert.equal(replaceMarked('a <!-- t:start -->old<!-- t:end --> b', 't', 'new').replace(/<!-- generated[^\n]*\n/, ''), 'a <!-- t:start -->\nnew\n<!-- t:end --> b');
  });
});

const portOf = (s: Stream): PortType => ({
  kind: s.perStep ? 'sequence' : 'vector',
  size: s.kind === 'dense' ? s.features : s.vocabulary,
  tokens: s.kind === 'tokens',
});

describe('examples in the docs', () => {
  it('graph-format.md: the adding example is canonical and validates against its dataset', () => {
    const text = example(read('docs/graph-format.md'), 'adding');
    const parsed = parseGraphText(text);
    if (!parsed.ok) assert.fail(parsed.errors.map((e) => e.message).join('\n'));
    assert.equal(serializeGraph(parsed.graph), text, 'the example is in canonical form');
    const data = loadDataset(parsed.graph.dataset, datasetFiles(root));
    if (!data.ok) assert.fail(data.error);
    const streams: StreamTypes = { x: portOf(data.value.x), y: portOf(data.value.y) };
    assert.deepEqual(analyzeGraph(parsed.graph, streams).diagnostics, []);
    const compiled = compileGraph(parsed.graph, { steps: data.value.steps, batch: 4, streams });
    assert.deepEqual(
      compiled.weights.map((w) => `${w.param} [${w.shape.join(', ')}]`),
      ['lstm.kernel [2, 64]', 'lstm.recurrentKernel [16, 64]', 'lstm.bias [64]', 'sum.kernel [16, 1]', 'sum.bias [1]'],
    );
  });

  it('model-format.md: the example model is canonical and its weights fit its graph', () => {
    const text = example(read('docs/model-format.md'), 'model');
    const result = readModelText(text);
    if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
    const { model } = result;
    const weights = weightsToMap(model);
    const weightInfo = compileGraph(model.graph, { steps: 20, batch: 1 }).weights;
    assert.deepEqual(checkWeightsAgainst(weightInfo, weights), []);
    assert.equal(writeModel({ graph: model.graph, weights, weightInfo, training: model.training, encoding: 'json' }), `${text}`);
  });
});
