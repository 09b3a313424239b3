/** Graphs of any size for the UI benchmark (test/e2e/bench-ui.ts). */
import type { GraphDocument, GraphNode } from '../../engine/graph/schema.ts';

const COLUMNS = 20;

/**
 * input → LSTM, dense, LSTM, … → last step → output: `blocks` blocks in one valid chain, laid
 * out in rows of COLUMNS so that fit-view shows a dense canvas as a large graph does.
 */
export function chainGraph(blocks: number): GraphDocument {
  if (blocks < 4) throw new Error(`a bench graph has at least 4 blocks, not ${blocks}`);
  const at = (i: number) => ({ x: (i % COLUMNS) * 240, y: Math.floor(i / COLUMNS) * 220 });
  const middle = Array.from({ length: blocks - 3 }, (_, i): GraphNode =>
    i % 2 === 0
      ? { id: `lstm${i}`, type: 'lstm', params: { units: 8, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: true, unitForgetBias: true }, position: at(i + 1) }
      : { id: `dense${i}`, type: 'dense', params: { units: 8, activation: 'tanh', useBias: true }, position: at(i + 1) },
  );
  const nodes: GraphNode[] = [
    { id: 'input', type: 'input', params: { stream: 'x', kind: 'dense', size: 2, sequence: true }, position: at(0) },
    ...middle,
    { id: 'last', type: 'lastStep', params: {}, position: at(blocks - 2) },
    { id: 'output', type: 'output', params: { loss: 'meanSquaredError', target: 'y' }, position: at(blocks - 1) },
  ];
  return {
    format: 'rnn-studio.graph',
    version: 1,
    name: `Bench ${blocks}`,
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, sourcePort: 'out', target: n.id, targetPort: 'in' })),
    dataset: { type: 'adding', params: { length: 30, samples: 512, seed: 1 } },
    training: { epochs: 1, batchSize: 32, seed: 1, optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, clipNorm: 1 },
  };
}
