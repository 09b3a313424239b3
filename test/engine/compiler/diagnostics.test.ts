/**
 * A table of invalid graphs, each with the diagnostic it must produce: the code, the node and port
 * where the user fixes it, and what the message must say. Validation never throws on a bad graph,
 * and compiling one throws a CompileError that carries the same diagnostics.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph, validateGraph } from '../../../engine/compiler/compile.ts';
import { CompileError, type Diagnostic, formatDiagnostic, hasErrors } from '../../../engine/graph/diagnostics.ts';
import type { StreamTypes } from '../../../engine/compiler/validate.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { handWiredElman } from '../../helpers/block-cases.ts';
import { graph } from '../../helpers/graphs.ts';

interface Expected {
  readonly code: Diagnostic['code'];
  readonly severity?: Diagnostic['severity'];
  readonly nodeId?: string;
  readonly port?: string;
  readonly edgeId?: string;
  readonly message: RegExp;
}

interface InvalidCase {
  readonly name: string;
  readonly graph: GraphDocument;
  readonly streams?: StreamTypes;
  /** Each must be among the graph's diagnostics (others may be too). */
  readonly expect: readonly Expected[];
}

const x = ['input', { size: 3 }] as const;
const mse = ['output', { loss: 'meanSquaredError' }] as const;
const lstm = ['lstm', { units: 4 }] as const;
const chain = ['x -> r', 'r -> o'];

const CASES: readonly InvalidCase[] = [
  {
    name: 'two outputs of one LSTM (out and h) each feeding an output block read the target with two shapes',
    graph: graph({ x, r: lstm, o: mse, p: mse }, ['x -> r', 'r.out -> o', 'r.h -> p']),
    expect: [{ code: 'shape-unknown', nodeId: 'p', message: /data input 'y' is read with two different shapes/ }],
  },
  {
    name: 'unknown block type',
    graph: graph({ x, r: ['lstmm', { units: 4 }], o: mse }, chain),
    expect: [{ code: 'unknown-block', nodeId: 'r', message: /unknown block type 'lstmm'/ }],
  },
  {
    name: 'param out of range (units: 0)',
    graph: graph({ x, r: ['lstm', { units: 0 }], o: mse }, chain),
    expect: [{ code: 'param-invalid', nodeId: 'r', message: /^param units: .*>=\s*1/ }],
  },
  {
    name: 'param of the wrong type',
    graph: graph({ x, r: ['lstm', { units: 4, returnSequences: 'yes' }], o: mse }, chain),
    expect: [{ code: 'param-invalid', nodeId: 'r', message: /^param returnSequences: .*expected boolean/ }],
  },
  {
    name: 'unknown param',
    graph: graph({ x, r: ['lstm', { units: 4, unit: 8 }], o: mse }, chain),
    expect: [{ code: 'param-invalid', nodeId: 'r', message: /unrecognized key.*"unit"/i }],
  },
  {
    name: 'edge to a missing node',
    graph: graph({ x, r: lstm, o: mse }, [...chain, 'r -> ghost']),
    expect: [{ code: 'unknown-node', edgeId: 'e2', message: /edge 'e2': its target 'ghost' is not a node of this graph/ }],
  },
  {
    name: 'unknown port',
    graph: graph({ x, r: lstm, o: mse }, ['x -> r.input', 'r -> o']),
    expect: [{ code: 'unknown-port', nodeId: 'r', port: 'input', edgeId: 'e0', message: /'lstm' has no input port 'input' \(it has 'in', 'h0', 'c0'\)/ }],
  },
  {
    name: 'missing connection',
    graph: graph({ x, a: ['linear', { units: 3 }], s: ['add'], o: mse }, ['x -> a', 'a -> s.a', 's -> o']),
    expect: [{ code: 'missing-connection', nodeId: 's', port: 'b', message: /input 'b' of 'add' is not connected/ }],
  },
  {
    name: 'two edges into one input',
    graph: graph({ x, x2: x, r: lstm, o: mse }, ['x -> r', 'x2 -> r', 'r -> o']),
    expect: [{ code: 'extra-connection', nodeId: 'r', port: 'in', edgeId: 'e1', message: /already receives edge 'e0'; an input takes one connection/ }],
  },
  {
    name: 'a vector (after lastStep) into an LSTM',
    graph: graph({ x, l: ['lastStep'], r: lstm, o: mse }, ['x -> l', 'l -> r', 'r -> o']),
    expect: [{ code: 'kind-mismatch', nodeId: 'r', port: 'in', message: /takes a sequence, but receives one vector per example of 3 features; .*remove the last-step block/ }],
  },
  {
    name: 'tokens into an LSTM without an embedding',
    graph: graph({ x: ['input', { kind: 'tokens', size: 10 }], r: lstm, o: mse }, chain),
    expect: [{ code: 'token-mismatch', nodeId: 'r', port: 'in', message: /takes real-valued features, but receives token ids; put an embedding block in between/ }],
  },
  {
    name: 'dense features into an embedding',
    graph: graph({ x, e: ['embedding', { dim: 4 }], o: mse }, ['x -> e', 'e -> o']),
    expect: [{ code: 'token-mismatch', nodeId: 'e', port: 'in', message: /takes token ids, but receives a sequence of 3 features; connect an input block of kind 'tokens'/ }],
  },
  {
    name: 'add of 4 and 5 features',
    graph: graph({ x, a: ['linear', { units: 4 }], b: ['linear', { units: 5 }], s: ['add'], o: mse }, ['x -> a', 'x -> b', 'a -> s.a', 'b -> s.b', 's -> o']),
    expect: [{ code: 'size-mismatch', nodeId: 's', port: 'b', message: /a has 4 features but b has 5/ }],
  },
  {
    name: 'a cycle with no delay',
    graph: graph({ x, a: ['linear', { units: 3 }], s: ['add'], h: ['tanh'], o: mse }, ['x -> a', 'a -> s.a', 's -> h', 'h -> s.b', 'h -> o']),
    expect: [
      { code: 'algebraic-loop', nodeId: 's', message: /'s' is on a cycle with no delay \(s → h → s\).*put a delay block on the loop/ },
      { code: 'algebraic-loop', nodeId: 'h', message: /'h' is on a cycle with no delay \(h → s → h\)/ },
    ],
  },
  {
    name: 'a delay whose size cannot be inferred',
    graph: { ...handWiredElman(4), nodes: handWiredElman(4).nodes.map((n) => (n.id === 'd' ? { ...n, params: {} } : n)) },
    expect: [{ code: 'shape-unknown', nodeId: 'd', port: 'in', message: /cannot tell how many features this delay carries: set its 'size'/ }],
  },
  {
    name: 'no output block',
    graph: graph({ x, r: lstm }, ['x -> r']),
    expect: [{ code: 'no-output', message: /no output block.*add an "Output \+ loss" block/ }],
  },
  {
    name: 'an empty graph',
    graph: graph({}, []),
    expect: [{ code: 'no-output', message: /the graph is empty/ }],
  },
  {
    name: 'input of 3 features, dataset x of 2',
    graph: graph({ x, r: lstm, o: mse }, chain),
    streams: { x: { kind: 'sequence', size: 2, tokens: false } },
    expect: [{ code: 'size-mismatch', nodeId: 'x', port: 'out', message: /'x' reads a sequence of 3 features, but the dataset's 'x' is a sequence of 2 features/ }],
  },
  {
    name: 'dense input, dataset x of token ids',
    graph: graph({ x, r: lstm, o: mse }, chain),
    streams: { x: { kind: 'sequence', size: 3, tokens: true } },
    expect: [{ code: 'dataset-mismatch', nodeId: 'x', port: 'out', message: /dataset's 'x' is a sequence of token ids \(vocabulary 3\)/ }],
  },
  {
    name: 'softmax cross-entropy against dense targets',
    graph: graph({ x, r: lstm, o: ['output', { loss: 'softmaxCrossEntropy' }] }, chain),
    streams: { y: { kind: 'sequence', size: 4, tokens: false } },
    expect: [{ code: 'dataset-mismatch', nodeId: 'o', port: 'in', message: /'o' needs targets a sequence of token ids \(vocabulary 4\), but the dataset's 'y' is a sequence of 4 features/ }],
  },
  // ── Shapes RNN users get wrong most, each with the fix named ──
  {
    name: 'a sequence into a vector-only input (an encoder\'s output sequence into h0)',
    graph: graph({ x, enc: lstm, dec: lstm, o: mse }, ['x -> enc', 'x -> dec', 'enc -> dec.h0', 'dec -> o']),
    expect: [
      {
        code: 'kind-mismatch',
        nodeId: 'dec',
        port: 'h0',
        edgeId: 'e2',
        message: /'lstm' input 'h0' takes a vector, but receives a sequence of 4 features; add a last-step block before it, or set returnSequences to false on 'enc', or connect port 'h' of 'enc' \(its final state\)/,
      },
    ],
  },
  {
    name: 'a sequence through a dense layer into h0: the recurrent block upstream is named',
    graph: graph({ x, enc: ['gru', { units: 5 }], d: ['dense', { units: 4 }], dec: ['gru', { units: 4 }], o: mse }, ['x -> enc', 'enc -> d', 'x -> dec', 'd -> dec.h0', 'dec -> o']),
    expect: [{ code: 'kind-mismatch', nodeId: 'dec', port: 'h0', message: /add a last-step block before it, or set returnSequences to false on 'enc'$/ }],
  },
  {
    name: 'a vector into a sequence-only input (an LSTM after one with returnSequences false)',
    graph: graph({ x, enc: ['lstm', { units: 4, returnSequences: false }], dec: lstm, o: mse }, ['x -> enc', 'enc -> dec', 'dec -> o']),
    expect: [{ code: 'kind-mismatch', nodeId: 'dec', port: 'in', edgeId: 'e1', message: /takes a sequence, but receives one vector per example of 4 features; set returnSequences to true on 'enc'$/ }],
  },
  {
    name: 'a vector through dense and activation into a GRU: the block that made it a vector is named',
    graph: graph({ x, enc: ['bidirectional', { returnSequences: false }], d: ['dense', { units: 4 }], a: ['activation'], r: ['gru', { units: 4 }], o: mse }, ['x -> enc', 'enc -> d', 'd -> a', 'a -> r', 'r -> o']),
    expect: [{ code: 'kind-mismatch', nodeId: 'r', port: 'in', message: /set returnSequences to true on 'enc'$/ }],
  },
  {
    name: 'a final state into a sequence input',
    graph: graph({ x, enc: lstm, dec: lstm, o: mse }, ['x -> enc', 'enc.h -> dec', 'dec -> o']),
    expect: [{ code: 'kind-mismatch', nodeId: 'dec', port: 'in', message: /connect the port 'out' of 'enc' \(with returnSequences true\) instead of its final state 'h'/ }],
  },
  {
    name: 'one vector per example from the input block into an LSTM',
    graph: graph({ x: ['input', { size: 3, sequence: false }], r: lstm, o: mse }, chain),
    expect: [{ code: 'kind-mismatch', nodeId: 'r', port: 'in', message: /set sequence to true on the input block 'x'/ }],
  },
  {
    name: 'an initial state of the wrong size: expected, actual, and the block that sets it',
    graph: graph({ x, enc: ['lstm', { units: 6 }], dec: ['lstm', { units: 4, layers: 2 }], o: mse }, ['x -> enc', 'x -> dec', 'enc.h -> dec.h0', 'dec -> o']),
    expect: [
      {
        code: 'size-mismatch',
        nodeId: 'dec',
        port: 'h0',
        edgeId: 'e2',
        message: /h0 is the start state h of every layer: expected 8 features \(2 layers × 4 units\), got 6; the 6 features come from 'enc' \(its final state: units 6\)/,
      },
    ],
  },
  {
    name: 'a bidirectional encoder\'s final state into a one-layer decoder',
    graph: graph({ x, enc: ['bidirectional', { cell: { type: 'gru', units: 4 } }], dec: ['gru', { units: 4 }], o: mse }, ['x -> enc', 'x -> dec', 'enc.h -> dec.h0', 'dec -> o']),
    expect: [{ code: 'size-mismatch', nodeId: 'dec', port: 'h0', message: /expected 4 features \(4 units\), got 8; the 8 features come from 'enc' \(its final state: 2 directions × cell.units 4\)/ }],
  },
  {
    name: 'c0 into a GRU cell, which has no cell state',
    graph: graph({ x, enc: lstm, b: ['bidirectional', { cell: { type: 'gru', units: 2 } }], o: mse }, ['x -> enc', 'x -> b', 'enc.c -> b.c0', 'b -> o']),
    expect: [{ code: 'param-invalid', nodeId: 'b', port: 'c0', message: /a 'gru' cell has none: disconnect it, or choose an lstm or peepholeLstm cell/ }],
  },
  {
    name: 'the cell state c of a bidirectional GRU',
    graph: graph({ x, b: ['bidirectional', { cell: { type: 'gru', units: 2 } }], o: mse }, ['x -> b', 'b.c -> o']),
    expect: [{ code: 'unknown-port', nodeId: 'b', port: 'c', edgeId: 'e1', message: /output 'c' of 'bidirectional' does not exist with its params \(only with an lstm or peepholeLstm cell\)/ }],
  },
  {
    name: "'out' of a bidirectional block with merge 'none'",
    graph: graph({ x, b: ['bidirectional', { merge: 'none' }], o: mse }, ['x -> b', 'b -> o']),
    expect: [{ code: 'unknown-port', nodeId: 'b', port: 'out', message: /\(not with merge 'none'\); connect another port/ }],
  },
  {
    name: 'a nested cell param out of range, and returnSequences inside the cell',
    graph: graph({ x, b: ['bidirectional', { cell: { type: 'ctrnn', dt: 2, tauInit: 1, returnSequences: false } }], o: mse }, ['x -> b', 'b -> o']),
    expect: [
      { code: 'param-invalid', nodeId: 'b', message: /^param cell: Unrecognized key: "returnSequences"/ },
      { code: 'param-invalid', nodeId: 'b', message: /^param cell.tauInit: must be greater than dt/ },
    ],
  },
  {
    name: 'an unknown cell type',
    graph: graph({ x, b: ['bidirectional', { cell: { type: 'jordan' } }], o: mse }, ['x -> b', 'b -> o']),
    expect: [{ code: 'param-invalid', nodeId: 'b', message: /^param cell.type: .*'elman' \| 'lstm' \| 'gru' \| 'peepholeLstm' \| 'ctrnn'/ }],
  },
  {
    name: 'more than 8 layers',
    graph: graph({ x, r: ['gru', { units: 4, layers: 9 }], o: mse }, chain),
    expect: [{ code: 'param-invalid', nodeId: 'r', message: /^param layers: .*<=\s*8/ }],
  },
  {
    name: 'a loop through a forward and a backward delay',
    graph: graph(
      { x, a: ['linear', { units: 3 }], s: ['add'], s2: ['add'], h: ['tanh'], d1: ['delay', { size: 3 }], d2: ['delay', { size: 3, direction: 'backward' }], o: mse },
      ['x -> a', 'a -> s.a', 'd1 -> s.b', 's -> s2.a', 'd2 -> s2.b', 's2 -> h', 'h -> d1', 'h -> d2', 'h -> o'],
    ),
    expect: [{ code: 'time-direction', nodeId: 'd2', message: /'d2' runs backward in time, on a loop with 'd1', which runs forward.*a loop must run one way/ }],
  },
  {
    name: 'an LSTM on a loop closed by a backward delay',
    graph: graph({ x, s: ['add'], r: ['lstm', { units: 3 }], d: ['delay', { size: 3, direction: 'backward' }], o: mse }, ['x -> s.a', 'd -> s.b', 's -> r', 'r -> d', 'r -> o']),
    expect: [{ code: 'time-direction', nodeId: 'd', message: /'d' runs backward in time, on a loop with 'r'/ }],
  },
  {
    name: 'a bidirectional block on a loop',
    graph: graph({ x, s: ['add'], r: ['bidirectional', { cell: { type: 'elman', units: 3 }, merge: 'sum' }], d: ['delay', { size: 3 }], o: mse }, ['x -> s.a', 'd -> s.b', 's -> r', 'r -> d', 'r -> o']),
    expect: [{ code: 'time-direction', nodeId: 'r', message: /'r' runs both forward and backward in time, and it is on a loop \(s, r, d\)/ }],
  },
  {
    name: 'an unused block (a warning, not an error)',
    graph: graph({ x, r: lstm, o: mse, spare: ['dense', { units: 2 }] }, [...chain, 'x -> spare']),
    expect: [{ code: 'unused-block', severity: 'warning', nodeId: 'spare', message: /'spare' does not lead to an output block/ }],
  },
];

const matches = (d: Diagnostic, e: Expected): boolean =>
  d.code === e.code && d.severity === (e.severity ?? 'error') && d.nodeId === e.nodeId && (e.port === undefined || d.port === e.port) && (e.edgeId === undefined || d.edgeId === e.edgeId) && e.message.test(d.message);

describe('graph diagnostics', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const found = validateGraph(c.graph, c.streams);
      for (const e of c.expect)
        assert.ok(
          found.some((d) => matches(d, e)),
          `expected ${e.code} at ${e.nodeId ?? '(graph)'} ${e.port ?? ''} matching ${e.message}; got:\n${found.map(formatDiagnostic).join('\n')}`,
        );
    });
  }

  it('never throws while validating, and compiling an invalid graph throws a CompileError with the same diagnostics', () => {
    for (const c of CASES) {
      let found: Diagnostic[] = [];
      assert.doesNotThrow(() => (found = validateGraph(c.graph, c.streams)), c.name);
      if (!hasErrors(found)) continue;
      assert.throws(
        () => compileGraph(c.graph, { steps: 2, batch: 1, streams: c.streams }),
        (e: unknown) => e instanceof CompileError && JSON.stringify(e.diagnostics) === JSON.stringify(found),
        c.name,
      );
    }
  });

  it('an unused block alone still compiles (a warning is not an error)', () => {
    const unused = CASES.find((c) => c.expect.some((e) => e.code === 'unused-block'))!;
    assert.equal(hasErrors(validateGraph(unused.graph)), false);
    assert.doesNotThrow(() => compileGraph(unused.graph, { steps: 2, batch: 1 }));
  });

  it('a valid graph gives no diagnostics, also against matching streams', () => {
    const valid = graph({ x: ['input', { kind: 'tokens', size: 10 }], e: ['embedding', { dim: 4 }], r: lstm, d: ['dense', { units: 10 }], o: ['output', { loss: 'softmaxCrossEntropy' }] }, [
      'x -> e',
      'e -> r',
      'r -> d',
      'd -> o',
    ]);
    const streams: StreamTypes = { x: { kind: 'sequence', size: 10, tokens: true }, y: { kind: 'sequence', size: 10, tokens: true } };
    assert.deepEqual(validateGraph(valid, streams), []);
    assert.deepEqual(validateGraph(handWiredElman(4)), []);
  });
});

/** Codes (with node) of the error diagnostics of `doc`. */
const errorsAt = (doc: GraphDocument, streams?: StreamTypes): string[] =>
  validateGraph(doc, streams)
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code}${d.nodeId ? ` at ${d.nodeId}` : ''}`);

// Each mistake gives its own diagnostic and no others that are not true.
describe('one mistake, no false diagnostics', () => {
  it(
    'a node after a delay-free cycle is not said to be on it, and the output block is still found',
    () => {
      const cycle = CASES.find((c) => c.name === 'a cycle with no delay')!;
      assert.deepEqual(errorsAt(cycle.graph), ['algebraic-loop at s', 'algebraic-loop at h']);
    },
  );

  it(
    'an edge from an invalid block still connects the port it goes into',
    () => {
      for (const name of ['unknown block type', 'param out of range (units: 0)']) {
        const c = CASES.find((k) => k.name === name)!;
        assert.deepEqual(
          validateGraph(c.graph).map((d) => `${d.code} at ${d.nodeId}`),
          [`${c.expect[0].code} at r`],
          name,
        );
      }
    },
  );

  it(
    'delays in a chain get their size whatever order the file lists them in',
    () => {
      const edges = ['x -> d1', 'd1 -> d2', 'd2 -> d3', 'd3 -> o'];
      assert.deepEqual(errorsAt(graph({ x, d1: ['delay'], d2: ['delay'], d3: ['delay'], o: mse }, edges)), []);
      assert.deepEqual(errorsAt(graph({ d3: ['delay'], d2: ['delay'], d1: ['delay'], x, o: mse }, edges)), []);
    },
  );

  it(
    'a vector into a delay is one kind-mismatch, not also shape-unknown',
    () => {
      assert.deepEqual(errorsAt(graph({ x, l: ['lastStep'], d: ['delay'], o: mse }, ['x -> l', 'l -> d', 'd -> o'])), ['kind-mismatch at d']);
    },
  );

  it('each new shape mistake is one error, on the block to fix, and valid stacked, bidirectional and encoder-decoder graphs have none', () => {
    const one = (name: string) => CASES.find((k) => k.name === name)!;
    assert.deepEqual(errorsAt(one('an initial state of the wrong size: expected, actual, and the block that sets it').graph), ['size-mismatch at dec']);
    assert.deepEqual(errorsAt(one('the cell state c of a bidirectional GRU').graph), ['unknown-port at b']);
    assert.deepEqual(errorsAt(one('c0 into a GRU cell, which has no cell state').graph), ['param-invalid at b']);
    assert.deepEqual(errorsAt(one('a vector into a sequence-only input (an LSTM after one with returnSequences false)').graph), ['kind-mismatch at dec']);
    const valid = graph(
      {
        x,
        tagger: ['bidirectional', { cell: { type: 'gru', units: 4, layers: 2 }, merge: 'concat' }],
        enc: ['lstm', { units: 3, layers: 2 }],
        dec: ['lstm', { units: 3, layers: 2 }],
        join: ['concat'],
        o: mse,
      },
      ['x -> tagger', 'x -> enc', 'x -> dec', 'enc.h -> dec.h0', 'enc.c -> dec.c0', 'tagger -> join.a', 'dec -> join.b', 'join -> o'],
    );
    assert.deepEqual(validateGraph(valid), []);
  });

  it(
    'a target mismatch of kind, not size, does not say "(expected 4, got 4)"',
    () => {
      const c = CASES.find((k) => k.name === 'softmax cross-entropy against dense targets')!;
      const d = validateGraph(c.graph, c.streams).find((k) => k.code === 'dataset-mismatch')!;
      assert.doesNotMatch(d.message, /expected 4, got 4/);
    },
  );
});
