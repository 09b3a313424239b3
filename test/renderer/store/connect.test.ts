/**
 * Connections the store refuses, with the reason the user sees, and ones it accepts in an
 * unfinished graph. Each refused case also checks that nothing was added to the document.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';
import { graph } from '../../helpers/graphs.ts';

type Nodes = Parameters<typeof graph>[0];

/** 'a.port -> b.port' as a connection request (ports default to out / in). */
function request(spec: string) {
  const m = /^(\w+)(?:\.(\w+))?\s*->\s*(\w+)(?:\.(\w+))?$/.exec(spec);
  if (!m) throw new Error(`bad spec ${spec}`);
  return { source: m[1], sourcePort: m[2] ?? 'out', target: m[3], targetPort: m[4] ?? 'in' };
}

interface RefusedCase {
  readonly name: string;
  readonly nodes: Nodes;
  readonly edges: readonly string[];
  readonly connect: string;
  readonly code: string;
  readonly reason: RegExp;
}

const REFUSED: readonly RefusedCase[] = [
  {
    name: 'a vector into an input that takes a sequence',
    nodes: { x: ['input', { size: 2 }], a: ['lstm', { units: 4, returnSequences: false }], b: ['lstm', { units: 4 }] },
    edges: ['x -> a'],
    connect: 'a -> b',
    code: 'kind-mismatch',
    reason: /'lstm' input 'in' takes a sequence, but receives one vector per example of 4 features/,
  },
  {
    name: 'token ids into a dense layer',
    nodes: { x: ['input', { kind: 'tokens', size: 40 }], d: ['dense', { units: 3 }] },
    edges: [],
    connect: 'x -> d',
    code: 'token-mismatch',
    reason: /takes real-valued features, but receives token ids; put an embedding block in between/,
  },
  {
    name: 'real features into an embedding',
    nodes: { x: ['input', { size: 3 }], emb: ['embedding', { dim: 4 }] },
    edges: [],
    connect: 'x -> emb',
    code: 'token-mismatch',
    reason: /takes token ids/,
  },
  {
    name: 'a second edge into an input',
    nodes: { x: ['input', { size: 2 }], y: ['input', { size: 2 }], r: ['elman', { units: 4 }] },
    edges: ['x -> r'],
    connect: 'y -> r',
    code: 'extra-connection',
    reason: /input 'in' of 'r' already receives edge 'e0' from 'x\.out'/,
  },
  {
    name: 'the same edge twice',
    nodes: { x: ['input', { size: 2 }], r: ['elman', { units: 4 }] },
    edges: ['x -> r'],
    connect: 'x -> r',
    code: 'duplicate-edge',
    reason: /'x\.out' is already connected to 'r\.in'/,
  },
  {
    name: 'a block into itself',
    nodes: { t: ['tanh'] },
    edges: [],
    connect: 't -> t',
    code: 'self-connection',
    reason: /'t' cannot feed itself/,
  },
  {
    name: 'a cycle without a delay',
    nodes: { x: ['input', { size: 3 }], l: ['linear', { units: 3 }], s: ['add'], h: ['tanh'] },
    edges: ['x -> l', 'l -> s.a', 's -> h'],
    connect: 'h -> s.b',
    code: 'algebraic-loop',
    reason: /on a cycle with no delay .*put a delay block on the loop/,
  },
  {
    name: 'sizes that do not match on an elementwise add',
    nodes: { x: ['input', { size: 3 }], y: ['input', { size: 4 }], s: ['add'] },
    edges: ['x -> s.a'],
    connect: 'y -> s.b',
    code: 'size-mismatch',
    reason: /a has 3 features but b has 4/,
  },
  {
    name: 'a port the block does not have',
    nodes: { x: ['input', { size: 3 }], r: ['elman', { units: 4 }] },
    edges: [],
    connect: 'x -> r.state',
    code: 'unknown-port',
    reason: /'elman' has no input port 'state' \(it has 'in'/,
  },
  {
    name: 'a block that does not exist',
    nodes: { x: ['input', { size: 3 }] },
    edges: [],
    connect: 'x -> ghost',
    code: 'unknown-node',
    reason: /no block 'ghost'/,
  },
];

describe('connect refuses what cannot be valid, with the reason', () => {
  for (const c of REFUSED)
    it(c.name, () => {
      const store = createDocumentStore(graph(c.nodes, c.edges));
      const before = store.getState().doc;
      const result = store.getState().connect(request(c.connect));
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, c.code);
      assert.match(result.reason, c.reason);
      assert.equal(store.getState().doc, before, 'the document is unchanged');
      assert.equal(store.getState().canUndo, false);
    });
});

describe('connect accepts valid edges in unfinished graphs', () => {
  it('a cycle through a delay (a hand-wired Elman cell)', () => {
    const store = createDocumentStore(
      graph({ x: ['input', { size: 3 }], l: ['linear', { units: 4 }], s: ['add'], h: ['tanh'], z: ['delay'], u: ['linear', { units: 4, useBias: false }] }, [
        'x -> l',
        'l -> s.a',
        's -> h',
        'h -> z',
        'z -> u',
      ]),
    );
    const result = store.getState().connect(request('u -> s.b'));
    assert.deepEqual(result, { ok: true, edgeId: 'e5' });
    assert.equal(store.getState().doc.edges.length, 6);
  });

  it('an edge in a graph that still misses other connections and an output', () => {
    const store = createDocumentStore(graph({ x: ['input', { size: 2 }], r: ['lstm', { units: 4 }], c: ['concat'], d: ['dense'] }, []));
    assert.equal(store.getState().connect(request('x -> r')).ok, true);
    assert.equal(store.getState().connect(request('r -> c.a')).ok, true, 'concat.b is still missing');
  });

  it('an edge whose type makes a block further down fail: the fix is down there', () => {
    const store = createDocumentStore(
      graph({ x: ['input', { size: 2, sequence: false }], d: ['dense', { units: 3 }], r: ['elman', { units: 4 }] }, ['d -> r']),
    );
    const result = store.getState().connect(request('x -> d'));
    assert.equal(result.ok, true, 'dense takes a vector; the elman after it is where the problem shows');
  });

  it('an output of unknown type (its own input not wired yet)', () => {
    const store = createDocumentStore(graph({ a: ['lstm', { units: 4, returnSequences: false }], l: ['lastStep'] }, []));
    assert.equal(store.getState().connect(request('a -> l')).ok, true);
  });
});
