/**
 * Greedy decoding of an encoder–decoder. While training, the decoder reads the target one step
 * late (teacher forcing); here it reads its own previous answer instead: the encoder runs once over
 * the source, then the decoder runs one step at a time, starting from the start token, and the
 * most probable token of each step (argmax) is its input at the next one. The encoder–decoder cut
 * is compileEncoderDecoder's job (engine/compiler/encoder-decoder.ts).
 */
import { CompileError } from '../graph/diagnostics.ts';
import { sources } from '../blocks/roles.ts';
import { DECODER_STREAM } from '../blocks/types.ts';
import { compileEncoderDecoder } from '../compiler/encoder-decoder.ts';
import { type Executor, float32, int32, type Outputs, type Program, ReferenceExecutor, runOnce, type Tensor, type Tensors } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Weights } from '../model/init.ts';
import { inputFeeds, InputError } from './predict.ts';

export interface DecodeOptions {
  /** The most tokens to generate per example (it may differ from the source's length). */
  readonly maxSteps: number;
  /** The decoder's first input (the dataset's start token: '<s>', id 0, for sequence-copy). */
  readonly startToken: number;
  /** An example stops once it predicts this token, which is left out of its tokens. */
  readonly endToken?: number;
  /** The output block to decode; needed only when the decoder feeds several. */
  readonly output?: string;
}

export interface Decoded {
  /** Per example, the predicted token ids (without the end token). */
  readonly tokens: number[][];
  /** Per example, whether it predicted the end token before maxSteps. */
  readonly ended: boolean[];
  /**
   * Per attention block (by node id), per example, the attention matrix [steps decoded][T_source]:
   * row t holds the weights decoder step t gave each source step (one row per step the example ran,
   * the end token's included).
   */
  readonly attention: Record<string, number[][][]>;
}

const isId = (v: number, below: number) => Number.isInteger(v) && v >= 0 && v < below;

/**
 * Decodes every example of `source` greedily. `source` holds the examples of the graph's source
 * input (the stream 'x'), as predict takes them: a list of steps per example, token ids or features.
 * Throws InputError for bad options or source data, and for a graph that cannot be decoded this way
 * (no input block on 'decoderInput', which must read tokens; an output that is not a softmax over
 * at most that vocabulary; a decoder that reads an encoder value at every step).
 */
export async function greedyDecode(
  graph: GraphDocument,
  weights: Weights,
  source: readonly unknown[],
  o: DecodeOptions,
  executor: Executor = new ReferenceExecutor(),
): Promise<Decoded> {
  if (!Number.isInteger(o.maxSteps) || o.maxSteps < 1 || o.maxSteps > 100_000) throw new InputError(`maxSteps must be an integer from 1 to 100000, got ${o.maxSteps}`);
  const streams = sources(graph);
  const decoder = streams.find((s) => s.stream === DECODER_STREAM);
  if (!decoder) throw new InputError(`greedy decoding needs a decoder: an input block reading the stream '${DECODER_STREAM}'`);
  if (!decoder.type.tokens) throw new InputError(`the decoder's input block '${decoder.id}' must read tokens, so that a predicted token can be fed back`);
  const vocabulary = decoder.type.size;
  for (const [name, token] of [['startToken', o.startToken], ['endToken', o.endToken]] as const)
    if (token !== undefined && !isId(token, vocabulary)) throw new InputError(`${name} must be a token id in [0, ${vocabulary}) (the vocabulary of '${decoder.id}'), got ${token}`);

  const sourceIds = new Set(streams.filter((s) => s.stream !== DECODER_STREAM).map((s) => s.id));
  if (sourceIds.size === 0) throw new InputError('greedy decoding needs a source: an input block reading the stream x');
  const sourceNodes = graph.nodes.filter((n) => sourceIds.has(n.id));
  const { feeds: sourceFeeds, steps, batch } = inputFeeds({ ...graph, nodes: sourceNodes }, Object.fromEntries(sourceNodes.map((n) => [n.id, source])), 'stream');

  let c;
  try {
    c = compileEncoderDecoder(graph, { sourceSteps: steps, batch, output: o.output });
  } catch (e) {
    if (e instanceof CompileError) throw new InputError(e.diagnostics.map((d) => d.message).join('; '));
    throw e;
  }
  const outputNode = graph.nodes.find((n) => n.id === c.output);
  if (outputNode?.params.loss !== 'softmaxCrossEntropy')
    throw new InputError(`greedy decoding takes the most probable class of a softmax: output block '${c.output}' needs the loss softmaxCrossEntropy`);
  if (c.classes > vocabulary) throw new InputError(`output block '${c.output}' predicts ${c.classes} classes, more than the ${vocabulary} tokens the decoder reads`);

  const weightFeeds: Record<string, Tensor> = {};
  for (const w of c.weights) {
    const data = weights.get(w.param);
    if (!data) throw new InputError(`the model has no weight '${w.param}'`);
    weightFeeds[w.param] = float32(w.shape, data);
  }
  const encoded: Outputs = Object.keys(c.encode.outputs).length ? await runOnce(executor, c.encode, { ...sourceFeeds, ...weightFeeds }, { name: `encode:T${steps}:B${batch}` }) : {};

  // The weights and the encoder's bridges stay put while the decoder steps; only its state and input change.
  const program = await executor.prepare(c.step, { name: `decode-step:B${batch}` });
  try {
    program.bind({ ...weightFeeds, ...Object.fromEntries(Object.entries(encoded).filter(([name]) => name.startsWith('bridge:'))) });
    const states: Record<string, Tensor> = {};
    for (const s of c.states) states[`state:${s.name}`] = s.started ? encoded[`start:${s.name}`] : float32(s.shape, new Float32Array(s.shape.reduce((a, b) => a * b, 1)));
    return await decodeSteps(program, states, batch, c.classes, c.probes, o);
  } finally {
    await program.dispose();
  }
}

/** Runs the decoder step by step from the start token, feeding back each step's argmax and state. */
async function decodeSteps(program: Program, start: Tensors, batch: number, classes: number, probes: readonly { block: string; name: string }[], o: DecodeOptions): Promise<Decoded> {
  const states: Record<string, Tensor> = { ...start };
  const tokens = Array.from({ length: batch }, (): number[] => []);
  const ended = new Array<boolean>(batch).fill(false);
  const attention: Record<string, number[][][]> = {};
  const attentionProbes = probes.filter((p) => p.name === 'weights');
  for (const p of attentionProbes) attention[p.block] = Array.from({ length: batch }, () => []);
  let previous = new Int32Array(batch).fill(o.startToken);
  for (let t = 0; t < o.maxSteps && ended.includes(false); t++) {
    const out = await program.run({ ...states, [DECODER_STREAM]: int32([1, batch], previous) });
    for (const name of Object.keys(states)) states[name] = out[`final:${name.slice('state:'.length)}`];
    const probabilities = out.prediction.data;
    const next = new Int32Array(batch);
    for (let i = 0; i < batch; i++) {
      next[i] = argmax(probabilities, i * classes, classes);
      if (ended[i]) continue;
      for (const p of attentionProbes) {
        const w = out[`probe:${p.block}.${p.name}`];
        const width = w.data.length / batch;
        attention[p.block][i].push(Array.from(w.data.subarray(i * width, (i + 1) * width)));
      }
      if (next[i] === o.endToken) ended[i] = true;
      else tokens[i].push(next[i]);
    }
    previous = next;
  }
  return { tokens, ended, attention };
}

/** The index of the largest of `n` values from `start`. */
function argmax(data: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (data[start + k] > data[start + best]) best = k;
  return best;
}
