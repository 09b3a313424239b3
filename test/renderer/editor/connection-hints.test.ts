/** Which ports light up as valid targets while a connection is dragged. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionHints, portKey, verdictFor } from '../../../renderer/editor/connection-hints.ts';
import { exampleGraph } from '../../../renderer/store/example-graph.ts';

describe('connection hints', () => {
  it('from a vector output: inputs that take a vector are valid; a sequence-only input and taken inputs are not', () => {
    const doc = exampleGraph();
    doc.nodes.push({ id: 'gru1', type: 'gru', params: { units: 4 }, position: { x: 0, y: 0 } });
    doc.nodes.push({ id: 'dense2', type: 'dense', params: { units: 4 }, position: { x: 0, y: 0 } });
    const hints = connectionHints(doc, { nodeId: 'lastStep1', port: 'out', side: 'source' });
    const verdict = (node: string) => hints.verdicts.get(portKey(node, 'in'));
    assert.equal(verdict('dense2')?.ok, true);
    const gru = verdict('gru1');
    assert.equal(gru?.ok === false && gru.code, 'kind-mismatch');
    const again = verdict('dense1');
    assert.equal(again?.ok === false && again.code, 'duplicate-edge');
    const taken = verdict('output1');
    assert.equal(taken?.ok === false && taken.code, 'extra-connection');
    assert.equal(verdict('lastStep1')?.ok, false, 'not into itself');
  });

  it('from an input handle: outputs are the candidates', () => {
    const doc = exampleGraph();
    doc.edges = doc.edges.filter((e) => e.id !== 'e1');
    const hints = connectionHints(doc, { nodeId: 'lstm1', port: 'in', side: 'target' });
    assert.equal(hints.verdicts.get(portKey('input1', 'out'))?.ok, true);
    const fromAfter = hints.verdicts.get(portKey('dense1', 'out'));
    assert.equal(fromAfter?.ok, false, 'dense1 gives a vector, and lstm takes a sequence');
    assert.deepEqual(verdictFor(doc, hints, { source: 'input1', sourcePort: 'out', target: 'lstm1', targetPort: 'in' }), { ok: true });
  });
});
