/**
 * The network hash: SHA-256 checked against Node's own, and what changes the hash (blocks' types
 * and params, edges, dataset, training) against what does not (positions, labels, names, key order).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseGraphText } from '../../../engine/graph/document.ts';
import { canonicalJson, mayChangeNetwork, networkHash, sha256Hex } from '../../../engine/graph/network-hash.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';

const sine = (): GraphDocument => {
  const parsed = parseGraphText(readFileSync('templates/sine-elman.rnn.json', 'utf8'));
  assert.ok(parsed.ok);
  return parsed.graph;
};

/** The same value with every object's keys in reverse order. */
const reverseKeys = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(reverseKeys) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) : value;

describe('sha256Hex', () => {
  test('matches node:crypto across block boundaries and for text beyond ASCII', () => {
    // 55, 56 and 64 bytes straddle the padding's length field; the last is several blocks of UTF-8.
    const texts = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(1000), 'gated 门控 ∂h/∂t 🙂'.repeat(40)];
    for (const text of texts) assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'), `${text.length} characters`);
  });
});

describe('canonicalJson', () => {
  test('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { f: undefined, e: 'x' }], c: null } }), '{"a":{"c":null,"d":[3,{"e":"x"}]},"b":1}');
  });
});

describe('networkHash', () => {
  test('is the SHA-256 of the network part of the document', () => {
    const doc = sine();
    const network = {
      dataset: doc.dataset,
      edges: doc.edges,
      format: doc.format,
      nodes: doc.nodes.map((n) => ({ id: n.id, params: n.params, type: n.type })),
      training: doc.training,
      version: doc.version,
    };
    assert.equal(networkHash(doc), `sha256:${createHash('sha256').update(canonicalJson(network)).digest('hex')}`);
  });

  test('a moved or relabelled block, a renamed graph and editor state leave it as it is', () => {
    const doc = sine();
    const same: GraphDocument[] = [
      { ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: n.position.x + 100 * i, y: -n.position.y } })) },
      { ...doc, nodes: doc.nodes.map((n) => ({ ...n, label: `${n.id} block` })) },
      { ...doc, name: 'renamed', description: 'another description', ui: { viewport: { x: 1, y: 2, zoom: 3 } } },
      // The same document with its keys written in another order, as another editor might save it.
      reverseKeys(doc) as GraphDocument,
    ];
    for (const other of same) assert.equal(networkHash(other), networkHash(doc));
  });

  test('a change of params, type, wiring, dataset or training settings changes it', () => {
    const doc = sine();
    const changed: Record<string, GraphDocument> = {
      params: { ...doc, nodes: doc.nodes.map((n) => (n.id === 'rnn' ? { ...n, params: { ...n.params, units: 17 } } : n)) },
      type: { ...doc, nodes: doc.nodes.map((n) => (n.id === 'rnn' ? { ...n, type: 'gru' } : n)) },
      edges: { ...doc, edges: doc.edges.slice(1) },
      dataset: { ...doc, dataset: { type: 'sine', params: { ...doc.dataset?.params, seed: 99 } } },
      training: { ...doc, training: { ...doc.training, epochs: 21 } },
    };
    const hashes = new Set([networkHash(doc), ...Object.values(changed).map(networkHash)]);
    assert.equal(hashes.size, Object.keys(changed).length + 1, 'every change gives its own hash');
  });
});

describe('mayChangeNetwork', () => {
  test('answers false for moved blocks and true once params, edges or settings are new objects', () => {
    const doc = sine();
    const moved = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    assert.equal(mayChangeNetwork(doc, moved), false);
    assert.equal(mayChangeNetwork(doc, { ...doc, name: 'renamed' }), false);
    assert.equal(mayChangeNetwork(doc, { ...doc, nodes: doc.nodes.map((n) => ({ ...n, params: { ...n.params } })) }), true);
    assert.equal(mayChangeNetwork(doc, { ...doc, edges: [...doc.edges] }), true);
    assert.equal(mayChangeNetwork(doc, { ...doc, training: { ...doc.training } }), true);
    assert.equal(mayChangeNetwork(doc, { ...doc, nodes: doc.nodes.slice(1) }), true);
  });
});
