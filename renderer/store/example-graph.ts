/** The graph a new window opens with: a small LSTM on the adding problem, laid out left to right. */
import type { GraphDocument } from '../../engine/graph/schema.ts';

export function exampleGraph(): GraphDocument {
  const at = (column: number) => ({ x: column * 220, y: 120 });
  return {
    format: 'rnn-studio.graph',
    version: 1,
    name: 'Adding problem (LSTM)',
    description: 'Two marked numbers in a sequence of 30; the network learns to output their sum.',
    nodes: [
      { id: 'input1', type: 'input', params: { stream: 'x', kind: 'dense', size: 2, sequence: true }, position: at(0) },
      { id: 'lstm1', type: 'lstm', params: { units: 32, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: true, unitForgetBias: true }, position: at(1) },
      { id: 'lastStep1', type: 'lastStep', params: {}, position: at(2) },
      { id: 'dense1', type: 'dense', params: { units: 1, activation: 'linear', useBias: true }, position: at(3) },
      { id: 'output1', type: 'output', params: { loss: 'meanSquaredError', target: 'y' }, position: at(4) },
    ],
    edges: [
      { id: 'e1', source: 'input1', sourcePort: 'out', target: 'lstm1', targetPort: 'in' },
      { id: 'e2', source: 'lstm1', sourcePort: 'out', target: 'lastStep1', targetPort: 'in' },
      { id: 'e3', source: 'lastStep1', sourcePort: 'out', target: 'dense1', targetPort: 'in' },
      { id: 'e4', source: 'dense1', sourcePort: 'out', target: 'output1', targetPort: 'in' },
    ],
    dataset: { type: 'adding', params: { length: 30, samples: 2048, seed: 1 } },
    training: {
      epochs: 25,
      batchSize: 32,
      seed: 1,
      optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      clipNorm: 1,
    },
  };
}
