/**
 * The benchmark models: input [T, F] → LSTM or GRU (H units, last step only) → dense 1 → mean
 * squared error, as graph documents for our compiler, with their analytic FLOP count.
 */
import type { StreamTypes } from '../compiler/validate.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../graph/schema.ts';

export type ModelId = 'lstm' | 'gru' | 'gru-ra';
export const MODEL_IDS: readonly ModelId[] = ['lstm', 'gru', 'gru-ra'];

export interface Dims {
  /** Batch size B. */
  readonly batch: number;
  /** Time steps T. */
  readonly steps: number;
  /** Input features F. */
  readonly features: number;
  /** Recurrent units H. */
  readonly units: number;
  /** Dense head outputs O. */
  readonly outputs: number;
}

export const DEFAULT_DIMS: Dims = { batch: 32, steps: 50, features: 32, units: 128, outputs: 1 };

export interface ModelSpec {
  readonly id: ModelId;
  readonly label: string;
  readonly cell: 'lstm' | 'gru';
  /** Gates G: the recurrent kernels are [F, G·H] and [H, G·H]. */
  readonly gates: number;
  /** GRU only: reset gate after the recurrent product (TF.js Layers cannot do this one). */
  readonly resetAfter: boolean;
  /** Whether TF.js Layers can build the same model. */
  readonly tfjs: boolean;
}

export const MODELS: Readonly<Record<ModelId, ModelSpec>> = {
  lstm: { id: 'lstm', label: 'LSTM', cell: 'lstm', gates: 4, resetAfter: false, tfjs: true },
  gru: { id: 'gru', label: 'GRU (resetAfter false)', cell: 'gru', gates: 3, resetAfter: false, tfjs: true },
  'gru-ra': { id: 'gru-ra', label: 'GRU (resetAfter true)', cell: 'gru', gates: 3, resetAfter: true, tfjs: false },
};

export function benchGraph(spec: ModelSpec, d: Dims): GraphDocument {
  const at = (x: number) => ({ x: 260 * x, y: 100 });
  const rnnParams: Record<string, unknown> = { units: d.units, returnSequences: false };
  if (spec.cell === 'gru') rnnParams.resetAfter = spec.resetAfter;
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: `bench ${spec.label}`,
    nodes: [
      { id: 'seq', type: 'input', params: { kind: 'dense', size: d.features }, position: at(0) },
      { id: 'rnn', type: spec.cell, params: rnnParams, position: at(1) },
      { id: 'head', type: 'dense', params: { units: d.outputs }, position: at(2) },
      { id: 'loss', type: 'output', params: { loss: 'meanSquaredError' }, position: at(3) },
    ],
    edges: [
      { id: 'e1', source: 'seq', sourcePort: 'out', target: 'rnn', targetPort: 'in' },
      { id: 'e2', source: 'rnn', sourcePort: 'out', target: 'head', targetPort: 'in' },
      { id: 'e3', source: 'head', sourcePort: 'out', target: 'loss', targetPort: 'in' },
    ],
  };
}

export const benchStreams = (d: Dims): StreamTypes => ({
  x: { kind: 'sequence', size: d.features, tokens: false },
  y: { kind: 'vector', size: d.outputs, tokens: false },
});

export const FLOP_FORMULA =
  'FLOPs/step = 3 × [T · 2·B·(F+H)·G·H + 2·B·H·O]   (matmuls only; forward = T steps of x·W and h·U plus the head once; backward ≈ 2 × forward; G = 4 LSTM, 3 GRU)';

/** Matmul FLOPs of one training step (forward + backward ≈ 3 × forward), as in FLOP_FORMULA. */
export function trainFlops(spec: ModelSpec, d: Dims): number {
  const perStep = 2 * d.batch * (d.features + d.units) * spec.gates * d.units;
  const head = 2 * d.batch * d.units * d.outputs;
  return 3 * (d.steps * perStep + head);
}
