/** What each node and edge on the canvas shows, derived from the document and the analysis. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeGraph } from '../../../engine/compiler/validate.ts';
import type { Diagnostic } from '../../../engine/protocol/messages.ts';
import { blockNodeData, diagnosticsByNode, toFlowEdges } from '../../../renderer/editor/flow-model.ts';
import { exampleGraph } from '../../../renderer/store/example-graph.ts';
import { sameFlowEdge, sameFlowNode } from '../../../renderer/editor/use-flow-nodes.ts';

const doc = exampleGraph();
const analysis = analyzeGraph(doc);
const node = (id: string) => doc.nodes.find((n) => n.id === id)!;

describe('node data', () => {
  it('title, block label in the UI language, ports with kinds from the analysis', () => {
    const lstm = blockNodeData(node('lstm1'), analysis, [], 'en');
    assert.equal(lstm.title, 'LSTM');
    assert.deepEqual([lstm.inputs[0].name, lstm.inputs[0].label, lstm.inputs[0].kind], ['in', 'input', 'sequence']);
    assert.deepEqual([lstm.outputs[0].name, lstm.outputs[0].kind], ['out', 'sequence']);
    const last = blockNodeData(node('lastStep1'), analysis, [], 'zh');
    assert.equal(last.title, '取最后一步');
    assert.equal(last.outputs[0].kind, 'vector');
    assert.equal(last.outputs[0].label, '输出');
  });

  it('the user\'s label is the title', () => {
    const labelled = blockNodeData({ ...node('lstm1'), label: 'memory' }, analysis, [], 'en');
    assert.equal(labelled.title, 'memory');
    assert.equal(labelled.blockLabel, 'LSTM');
  });

  it('outputs are unknown without an analysis; inputs show what they accept', () => {
    const dense = blockNodeData(node('dense1'), null, [], 'en');
    assert.equal(dense.outputs[0].kind, 'unknown');
    assert.equal(dense.inputs[0].kind, 'any');
  });

  it('diagnostics mark the node and the port they name, errors over warnings', () => {
    const ds: Diagnostic[] = [
      { severity: 'warning', code: 'unused-block', nodeId: 'dense1', message: 'w' },
      { severity: 'error', code: 'kind-mismatch', nodeId: 'dense1', port: 'in', edgeId: 'e3', message: 'e' },
    ];
    const byNode = diagnosticsByNode(ds);
    const dense = blockNodeData(node('dense1'), analysis, byNode.get('dense1') ?? [], 'en');
    assert.equal(dense.severity, 'error');
    assert.equal(dense.inputs[0].severity, 'error');
    assert.equal(dense.outputs[0].severity, null);
    const edges = toFlowEdges(doc, analysis, ds, ['e1']);
    assert.deepEqual(edges.find((e) => e.id === 'e3')?.data, { kind: 'vector', severity: 'error' });
    assert.equal(edges.find((e) => e.id === 'e1')?.selected, true);
  });

  it('an unknown block type still gets a node, with no ports', () => {
    const odd = blockNodeData({ id: 'x', type: 'mystery', params: {}, position: { x: 0, y: 0 } }, null, [], 'en');
    assert.deepEqual([odd.title, odd.blockLabel, odd.inputs.length], ['mystery', null, 0]);
  });
});

describe('edges', () => {
  it('carry ports as handles and the kind of value they carry', () => {
    const edges = toFlowEdges(doc, analysis, [], []);
    assert.deepEqual(
      edges.map((e) => [e.id, e.sourceHandle, e.targetHandle, e.data?.kind]),
      [
        ['e1', 'out', 'in', 'sequence'],
        ['e2', 'out', 'in', 'sequence'],
        ['e3', 'out', 'in', 'vector'],
        ['e4', 'out', 'in', 'vector'],
      ],
    );
  });
});

describe('nodes and edges handed to React Flow', () => {
  const flowNode = (id: string, data = blockNodeData(node(id), analysis, [], 'en')) => ({ id, type: 'block' as const, position: node(id).position, data, selected: false, measured: undefined });

  it('a node that draws the same is the same object, even with data built anew', () => {
    const before = flowNode('lstm1');
    const again = flowNode('lstm1');
    assert.notEqual(again.data, before.data);
    assert.equal(sameFlowNode(before, again), before);
  });

  it('a moved, selected or changed node is a new object', () => {
    const before = flowNode('lstm1');
    const moved = { ...flowNode('lstm1'), position: { x: 1, y: 2 } };
    assert.equal(sameFlowNode(before, moved), moved);
    const selected = { ...flowNode('lstm1'), selected: true };
    assert.equal(sameFlowNode(before, selected), selected);
    const relabelled = flowNode('lstm1', blockNodeData({ ...node('lstm1'), label: 'memory' }, analysis, [], 'en'));
    assert.equal(sameFlowNode(before, relabelled), relabelled);
    assert.equal(sameFlowNode(undefined, before), before);
  });

  it('an edge is kept unless its ends, selection or marking change', () => {
    const [before] = toFlowEdges(doc, analysis, [], []);
    const [again] = toFlowEdges(doc, analysis, [], []);
    assert.equal(sameFlowEdge(before, again), before);
    const [selected] = toFlowEdges(doc, analysis, [], [before.id]);
    assert.equal(sameFlowEdge(before, selected), selected);
    const [marked] = toFlowEdges(doc, analysis, [{ severity: 'error', code: 'kind-mismatch', edgeId: before.id, message: 'e' }], []);
    assert.equal(sameFlowEdge(before, marked), marked);
  });
});
