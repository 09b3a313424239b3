/**
 * Refactoring guard: the cell graph and both IRs of every template and fixture graph, and the
 * generated JSON Schemas, hash to the values recorded in test/fixtures/fingerprints.json. A change
 * that moves code around must leave them byte-identical; a change that means to alter what the
 * compiler emits re-records them on purpose (`RECORD_FINGERPRINTS=1 node scripts/run-tests.mjs
 * fingerprints`) and says so in its commit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileGraph, type Compiled, type CompileOptions } from '../../../engine/compiler/compile.ts';
import type { StreamTypes } from '../../../engine/compiler/validate.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { irToJson } from '../../../engine/ir/json.ts';
import { BLOCK_CASES, compileCase } from '../../helpers/block-cases.ts';
import { datasetOf, readGraph, streamsOf } from '../../../engine/cli/files.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const recordPath = `${root}test/fixtures/fingerprints.json`;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const graphs = [
  ...readdirSync(`${root}templates`).filter((f) => f.endsWith('.rnn.json')).map((f) => `templates/${f}`),
  ...readdirSync(`${root}test/fixtures/graphs`).filter((f) => f.endsWith('.rnn.json')).map((f) => `test/fixtures/graphs/${f}`),
].sort();

const variants: Readonly<Record<string, Omit<CompileOptions, 'streams'>>> = {
  train: { steps: 5, batch: 2, stateGradients: true },
  stateful: { steps: 1, batch: 1, stateful: true },
};

/** What was compiled as text, or the refusal (attention cannot run one step at a time, so stateful compiles refuse it). */
function attempt(compile: () => Compiled): string {
  try {
    const c = compile();
    return JSON.stringify({ cell: c.cell, forward: irToJson(c.forward), train: irToJson(c.train), weights: c.weights, inputs: c.inputs, masks: c.masks, states: c.states });
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
}

/** The streams of the graph's dataset; a fixture whose dataset does not load is compiled without them. */
function graphStreams(graph: GraphDocument, path: string): StreamTypes {
  try {
    return streamsOf(datasetOf(graph, `${root}${path}`));
  } catch {
    return {};
  }
}

function fingerprints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of graphs) {
    const graph = readGraph(`${root}${path}`);
    const streams = graphStreams(graph, path);
    for (const [name, opts] of Object.entries(variants)) {
      out[`${path} ${name}`] = sha(attempt(() => compileGraph(graph, { ...opts, streams })));
    }
  }
  for (const c of BLOCK_CASES) out[`case ${c.name}`] = sha(attempt(() => compileCase(c).compiled));
  for (const file of ['docs/graph.schema.json', 'docs/model.schema.json', 'docs/graph-format.md']) out[file] = sha(readFileSync(`${root}${file}`, 'utf8'));
  return out;
}

describe('fingerprints', () => {
  it('every template compiles to the recorded cell graph and IRs, and the generated schemas are unchanged', () => {
    const now = fingerprints();
    if (process.env.RECORD_FINGERPRINTS === '1') writeFileSync(recordPath, `${JSON.stringify(now, null, 2)}\n`);
    const recorded = JSON.parse(readFileSync(recordPath, 'utf8')) as Record<string, string>;
    assert.deepEqual(now, recorded);
  });
});
