/**
 * A table of invalid graphs, each with the diagnostic it must produce: the code, the node and port
 * where the user fixes it, and what the message must say. Validation never throws on a bad graph,
 * and compiling one throws a CompileError that carries the same diagnostics.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph, validateGraph } from '../../../engine/compiler/compile.ts';
import { CompileError, type Diagnostic, formatDiagnostic, hasErrors } from '../../../engine/compiler/diagnostics.ts';
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
    expect: [{ code: 'unknown-port', nodeId: 'r', port: 'input', edgeId: 'e0', message: /'lstm' has no input port 'input' \(it has 'in'\)/ }],
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

  it(
    'a target mismatch of kind, not size, does not say "(expected 4, got 4)"',
    () => {
      const c = CASES.find((k) => k.name === 'softmax cross-entropy against dense targets')!;
      const d = validateGraph(c.graph, c.streams).find((k) => k.code === 'dataset-mismatch')!;
      assert.doesNotMatch(d.message, /expected 4, got 4/);
    },
  );
});
