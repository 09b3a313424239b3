/**
 * Every refusal of the PyTorch import, as a table of cases with the message each must produce
 * (what the node has against what the state dict has, naming the tensor): a file that is not a
 * state dict, a tensor that is damaged, a node PyTorch has no module for, a module that does not
 * fit the node, a tensor missing or of the wrong shape. And that a refused import returns no
 * weights at all.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { importTorchWeights, parseTorchStateDict } from '../../../engine/model/pytorch.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';
import { graph } from '../../helpers/graphs.ts';
import { type DictCase, type JsonTensor, torchDict } from './torch-dicts.ts';

const LSTM: DictCase = { kind: 'LSTM', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, bias: true };
type Json = ReturnType<typeof torchDict>['json'];

/** x (3 features) → r, r being `block`. */
const around = (block: readonly [string, Record<string, unknown>], size = 3): GraphDocument =>
  graph({ x: ['input', { size }], r: block, o: ['output'] }, ['x -> r', 'r -> o']);
const bi = (cell: Record<string, unknown>) => ['bidirectional', { cell: { units: 4, layers: 2, ...cell } }] as const;
const BI_LSTM = around(bi({ type: 'lstm' }));

const dictOf = (c: DictCase = LSTM, record?: Record<string, unknown>): Json => structuredClone(torchDict(c, mulberry32(1), { record }).json);
const edited = (edit: (tensors: Record<string, JsonTensor>, json: Json) => void, c?: DictCase, record?: Record<string, unknown>): Json => {
  const json = dictOf(c, record);
  edit(json.tensors, json);
  return json;
};

interface ImportCase {
  readonly name: string;
  readonly doc: GraphDocument;
  readonly json: Json;
  readonly prefix?: string;
  readonly node?: string;
  readonly errors: readonly RegExp[];
}

const RNN1: DictCase = { kind: 'RNN', inputSize: 3, hiddenSize: 4, numLayers: 1, bidirectional: false, bias: true };

const IMPORT_CASES: readonly ImportCase[] = [
  {
    name: 'a missing tensor',
    doc: BI_LSTM,
    json: edited((t) => delete t['rnn.weight_hh_l1_reverse']),
    errors: [/^missing 'rnn\.weight_hh_l1_reverse' \(the recurrent weights of layer 1, reverse direction: \[16, 4\] for an LSTM with 4 units\)$/],
  },
  {
    name: 'a tensor of the wrong shape',
    doc: BI_LSTM,
    json: edited((t) => (t['rnn.weight_ih_l0'] = { shape: [12, 3], data: Array<number>(36).fill(0) })),
    errors: [/^'rnn\.weight_ih_l0' has shape \[12, 3\] where \[16, 3\] was expected for an LSTM with 4 units \(4 gate blocks × 4 units by 3 input features\)$/],
  },
  {
    name: "a layer-1 input weight that does not read both directions",
    doc: BI_LSTM,
    json: edited((t) => (t['rnn.weight_ih_l1'] = { shape: [16, 4], data: Array<number>(64).fill(0) })),
    errors: [/^'rnn\.weight_ih_l1' has shape \[16, 4\] where \[16, 8\] was expected/],
  },
  {
    name: 'half a bias',
    doc: BI_LSTM,
    json: edited((t) => delete t['rnn.bias_hh_l0']),
    errors: [/^missing 'rnn\.bias_hh_l0' \(the recurrent bias of layer 0, forward direction: \[16\] for an LSTM with 4 units\)$/],
  },
  {
    name: 'a GRU node with resetAfter: false',
    doc: around(bi({ type: 'gru', resetAfter: false })),
    json: dictOf({ ...LSTM, kind: 'GRU' }),
    errors: [/^node 'r' is a GRU with resetAfter: false, .*torch\.nn\.GRU applies it after \(our resetAfter: true\) and has no resetAfter: false variant.*set resetAfter: true$/],
  },
  {
    name: 'units',
    doc: around(bi({ type: 'lstm', units: 8 })),
    json: dictOf(),
    errors: [/^node 'r' has 8 units; the nn\.LSTM\(3, 4, num_layers=2, bidirectional=True\) at 'rnn\.' has hidden_size 4 \(weight_hh_l0 is \[16, 4\]\)$/],
  },
  {
    name: 'layers',
    doc: around(bi({ type: 'lstm', layers: 1 })),
    json: dictOf(),
    errors: [/^node 'r' has 1 layer; the nn\.LSTM\(3, 4, num_layers=2, bidirectional=True\) at 'rnn\.' has num_layers 2$/],
  },
  {
    name: 'a one-direction node, a bidirectional module',
    doc: around(['lstm', { units: 4, layers: 2 }]),
    json: dictOf(),
    errors: [/^node 'r' runs one direction; the nn\.LSTM\(.*\) at 'rnn\.' is bidirectional \(it has _reverse tensors\): import it into a bidirectional block with cell lstm$/],
  },
  {
    name: 'a bidirectional node, a one-direction module',
    doc: BI_LSTM,
    json: dictOf({ ...LSTM, bidirectional: false }),
    errors: [/^node 'r' is bidirectional; the nn\.LSTM\(3, 4, num_layers=2\) at 'rnn\.' runs one direction \(no _reverse tensors, bidirectional=False\): import it into a plain lstm block$/],
  },
  {
    name: 'input size',
    doc: around(bi({ type: 'lstm' }), 5),
    json: dictOf(),
    errors: [/^node 'r' reads 5 input features; the nn\.LSTM\(3, 4, .*\) at 'rnn\.' has input_size 3 \(weight_ih_l0 is \[16, 3\]\)$/],
  },
  {
    name: 'several mismatches at once, one message each',
    doc: around(['lstm', { units: 8 }], 5),
    json: dictOf(),
    errors: [/has 8 units/, /has 1 layer/, /runs one direction/, /reads 5 input features/],
  },
  {
    name: 'kind',
    doc: around(bi({ type: 'gru' })),
    json: dictOf(),
    errors: [/^node 'r' is a bidirectional GRU \(bidirectional block, cell gru\); the state dict has an nn\.LSTM at 'rnn\.' \(weight_hh_l0 is \[16, 4\]: 4 gate blocks\)$/],
  },
  {
    name: 'an RNN built with relu into a tanh node',
    doc: around(['elman', { units: 4 }]),
    json: dictOf(RNN1, { nonlinearity: 'relu' }),
    errors: [/^node 'r' uses activation 'tanh'; the nn\.RNN\(3, 4, nonlinearity='relu'\) at 'rnn\.' was built with nonlinearity='relu'$/],
  },
  {
    name: 'an elman node with an activation nn.RNN lacks',
    doc: around(['elman', { units: 4, activation: 'sigmoid' }]),
    json: dictOf(RNN1),
    errors: [/^node 'r' uses activation 'sigmoid'; torch\.nn\.RNN has only nonlinearity='tanh' or 'relu'$/],
  },
  {
    name: 'an LSTM node with other activations',
    doc: around(bi({ type: 'lstm', activation: 'relu' })),
    json: dictOf(),
    errors: [/^node 'r' uses activation 'relu' and recurrentActivation 'sigmoid'; torch\.nn\.LSTM always uses tanh and sigmoid gates/],
  },
  {
    name: 'an LSTM with proj_size',
    doc: BI_LSTM,
    json: edited((t) => (t['rnn.weight_hr_l0'] = { shape: [2, 4], data: Array<number>(8).fill(0) })),
    errors: [/^'rnn\.weight_hr_l0': an nn\.LSTM with proj_size > 0 projects its hidden state, and no RNN Studio block does/],
  },
  {
    name: 'a tensor under the prefix that no nn.RNN has',
    doc: BI_LSTM,
    json: edited((t) => (t['rnn.weight_hh_l0_raw'] = { shape: [16, 4], data: Array<number>(64).fill(0) })),
    errors: [/^'rnn\.weight_hh_l0_raw' is not a parameter of torch\.nn\.RNN, LSTM or GRU/],
  },
  {
    name: 'a weight_hh_l0 of no recurrent module',
    doc: BI_LSTM,
    json: edited((t) => (t['rnn.weight_hh_l0'] = { shape: [10, 4], data: Array<number>(40).fill(0) })),
    errors: [/^'rnn\.weight_hh_l0' has shape \[10, 4\]; an nn\.RNN, GRU or LSTM with hidden_size H has \[H, H\], \[3H, H\] or \[4H, H\]$/],
  },
  {
    name: 'the file records one kind, the tensors are another',
    doc: BI_LSTM,
    json: edited((_t, json) => (json.modules!.rnn.type = 'GRU'), LSTM, {}),
    errors: [/^at 'rnn\.': the file records an nn\.GRU, but its tensors are those of an nn\.LSTM/],
  },
  {
    name: 'a prefix with nothing under it',
    doc: BI_LSTM,
    json: dictOf(),
    prefix: 'decoder.',
    errors: [/^no tensor 'decoder\.weight_hh_l0' \(the recurrent weights of layer 0 of an nn\.RNN, LSTM or GRU at 'decoder\.'\); the state dict has recurrent modules at 'rnn\.'$/],
  },
  {
    name: 'two recurrent modules and no prefix',
    doc: BI_LSTM,
    json: edited((t) => {
      for (const [k, v] of Object.entries(t)) if (k.startsWith('rnn.')) t[`decoder.${k.slice(4)}`] = v;
    }),
    errors: [/^the state dict has 2 recurrent modules, at 'rnn\.', at 'decoder\.': choose one with the prefix \(--prefix rnn\.\)$/],
  },
  {
    name: 'no recurrent module at all',
    doc: BI_LSTM,
    json: { format: 'pytorch-state-dict', tensors: { 'fc.weight': { shape: [1, 2], data: [1, 2] } } },
    errors: [/^the state dict has no torch\.nn\.RNN, LSTM or GRU weights \(no tensor ending in weight_hh_l0\); it holds 'fc\.weight'$/],
  },
  { name: 'no such node', doc: BI_LSTM, json: dictOf(), node: 'nope', errors: [/^the graph has no node 'nope' \(its nodes: x, r, o\)$/] },
  {
    name: 'a block PyTorch has no module for',
    doc: around(['jordan', { units: 4, outputUnits: 2 }]),
    json: dictOf(RNN1),
    errors: [/^node 'r' is a 'jordan' block; PyTorch's nn\.RNN, nn\.LSTM and nn\.GRU go into elman, lstm and gru blocks, or a bidirectional block with one of them as its cell$/],
  },
  {
    name: 'a bidirectional block of a cell PyTorch has no module for',
    doc: around(bi({ type: 'peepholeLstm' })),
    json: dictOf(),
    errors: [/^node 'r' is a bidirectional block with a 'peepholeLstm' cell; PyTorch's nn\.RNN/],
  },
  {
    name: 'a node the graph cannot infer',
    doc: graph({ x: ['input', { size: 3 }], r: ['lstm', { units: 4 }], o: ['output'] }, ['r -> o']),
    json: dictOf({ ...LSTM, numLayers: 1, bidirectional: false }),
    errors: [/^node 'r': /],
  },
];

describe('importing a PyTorch state dict: every refusal says what the node has and what the dict has', () => {
  for (const c of IMPORT_CASES) {
    it(c.name, () => {
      const parsed = parseTorchStateDict(JSON.parse(JSON.stringify(c.json)));
      if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
      const result = importTorchWeights(c.doc, c.node ?? 'r', parsed.dict, c.prefix === undefined ? {} : { prefix: c.prefix });
      assert.equal(result.ok, false, 'refused');
      if (result.ok) return;
      assert.equal(result.errors.length, c.errors.length, `one message per problem:\n${result.errors.join('\n')}`);
      c.errors.forEach((pattern, i) => assert.match(result.errors[i], pattern));
    });
  }

  it('the base dict imports into the node it fits (so the table tests its edits, not a broken base)', () => {
    const parsed = parseTorchStateDict(dictOf());
    if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
    const result = importTorchWeights(BI_LSTM, 'r', parsed.dict);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.deepEqual([...result.weights.keys()].slice(0, 3), ['r.forward_kernel', 'r.forward_recurrentKernel', 'r.forward_bias']);
    assert.equal(result.weights.size, 12);
  });
});

const tensorsWith = (name: string, tensor: unknown) => ({ format: 'pytorch-state-dict', tensors: { 'rnn.weight_hh_l0': { shape: [4, 4], data: Array<number>(16).fill(0) }, [name]: tensor } });

const PARSE_CASES: readonly { name: string; json: unknown; errors: readonly RegExp[] }[] = [
  { name: 'not an object', json: [1, 2], errors: [/^a PyTorch state dict file is a JSON object/] },
  { name: 'no format', json: { tensors: {} }, errors: [/^format: expected "pytorch-state-dict", got null \(write the file with scripts\/export-pytorch-weights\.py\)$/] },
  { name: 'a model file', json: { format: 'rnn-studio.model', version: 1 }, errors: [/^format: expected "pytorch-state-dict", got "rnn-studio\.model" \(this is an RNN Studio model file/] },
  { name: 'no tensors', json: { format: 'pytorch-state-dict' }, errors: [/^tensors: expected an object of tensors by name .*, got nothing$/] },
  { name: 'a value count that does not fit the shape', json: tensorsWith('rnn.weight_ih_l0', { shape: [16, 3], data: Array<number>(47).fill(0) }), errors: [/^tensors\["rnn\.weight_ih_l0"\]\.data: expected 48 values for shape \[16, 3\], got 47$/] },
  {
    name: 'NaN written as null',
    json: tensorsWith('rnn.bias_ih_l0', { shape: [4], data: [0, null, 1, null] }),
    errors: [/^tensors\["rnn\.bias_ih_l0"\]\.data\[1\]: null is not a number \(JSON writers put null for NaN or infinity: the tensor was not finite\) \(and 1 more bad values\)$/],
  },
  { name: 'beyond float32', json: tensorsWith('rnn.bias_ih_l0', { shape: [2], data: [0, 1e39] }), errors: [/^tensors\["rnn\.bias_ih_l0"\]\.data\[1\]: 1e\+39 is outside the float32 range/] },
  { name: 'a string value', json: tensorsWith('rnn.bias_ih_l0', { shape: [1], data: ['0.5'] }), errors: [/^tensors\["rnn\.bias_ih_l0"\]\.data\[0\]: expected a number, got "0\.5"$/] },
  { name: 'a bad dimension', json: tensorsWith('rnn.bias_ih_l0', { shape: [2.5], data: [0, 1] }), errors: [/^tensors\["rnn\.bias_ih_l0"\]\.shape\[0\]: expected a size \(an integer ≥ 0\), got 2\.5$/] },
  { name: 'values under another key', json: tensorsWith('rnn.bias_ih_l0', { shape: [1], values: [0] }), errors: [/^tensors\["rnn\.bias_ih_l0"\]\.values: unknown key/, /^tensors\["rnn\.bias_ih_l0"\]\.data: expected an array of numbers, got nothing$/] },
  { name: 'a module record of an unknown type', json: { ...tensorsWith('x', { shape: [], data: [1] }), modules: { rnn: { type: 'Transformer' } } }, errors: [/^modules\.rnn\.type: /] },
];

describe('reading a state dict file: every problem names the tensor', () => {
  for (const c of PARSE_CASES) {
    it(c.name, () => {
      const result = parseTorchStateDict(c.json);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.errors.length, c.errors.length, result.errors.join('\n'));
      c.errors.forEach((pattern, i) => assert.match(result.errors[i], pattern));
    });
  }

  it('a scalar and an empty tensor are tensors too', () => {
    const result = parseTorchStateDict({ format: 'pytorch-state-dict', tensors: { step: { shape: [], data: [3] }, empty: { shape: [0, 4], data: [] } } });
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  });
});
