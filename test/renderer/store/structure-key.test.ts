/** Document keys: what the engine reads changes them, moving blocks and renaming the graph do not. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { produce } from 'immer';
import { sameStructure, structureKey, validationKey } from '../../../renderer/store/structure-key.ts';
import { exampleGraph } from '../../../renderer/store/example-graph.ts';

const doc = exampleGraph();

describe('structure key', () => {
  it('moving a block, renaming or describing the graph keep it', () => {
    const moved = produce(doc, (d) => {
      d.nodes[1].position = { x: 999, y: -5 };
      d.name = 'Another name';
      d.description = 'notes';
      d.ui = { zoom: 2 };
    });
    assert.equal(structureKey(moved), structureKey(doc));
    assert.ok(sameStructure(doc, moved));
  });

  it('params, labels, blocks, connections, dataset and training change it', () => {
    const edits = [
      produce(doc, (d) => void (d.nodes[1].params.units = 33)),
      produce(doc, (d) => void (d.nodes[1].label = 'memory')),
      produce(doc, (d) => void d.nodes.pop()),
      produce(doc, (d) => void (d.edges[0].targetPort = 'other')),
      produce(doc, (d) => void (d.dataset!.params.length = 31)),
      produce(doc, (d) => void (d.training!.epochs = 26)),
    ];
    const keys = new Set([structureKey(doc), ...edits.map(structureKey)]);
    assert.equal(keys.size, edits.length + 1, 'each edit gives its own key');
  });

  it('a document edited in steps has the key of the same document built fresh', () => {
    // Keys are remembered per node object: a stale one would show here.
    let edited = doc;
    structureKey(edited);
    edited = produce(edited, (d) => void (d.nodes[0].params.size = 3));
    structureKey(edited);
    edited = produce(edited, (d) => void (d.nodes[0].position.x = 40));
    assert.equal(structureKey(edited), structureKey(structuredClone(edited)));
    assert.notEqual(structureKey(edited), structureKey(doc));
  });
});

describe('validation key', () => {
  it('follows the name and the path but not positions', () => {
    const moved = produce(doc, (d) => void (d.nodes[2].position = { x: 1, y: 2 }));
    const renamed = produce(doc, (d) => void (d.name = 'Renamed'));
    assert.equal(validationKey(moved, '/a.rnn.json'), validationKey(doc, '/a.rnn.json'));
    assert.notEqual(validationKey(renamed, null), validationKey(doc, null));
    assert.notEqual(validationKey(doc, '/a.rnn.json'), validationKey(doc, '/b.rnn.json'));
  });
});
