/**
 * The clipboard commands on a store: Ctrl/Cmd+D is Duplicate, cut removes what it copied and pastes
 * back whole, and text that is not copied blocks leaves the document and its history untouched.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { cutSelection, duplicateSelection, pasteText } from '../../../renderer/editor/clipboard-commands.ts';
import { editCommandFor, runEditCommand } from '../../../renderer/editor/edit-commands.ts';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';

const doc = (): GraphDocument => ({
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: 'clip',
  nodes: [
    { id: 'x', type: 'input', params: { size: 3 }, position: { x: 0, y: 0 } },
    { id: 'gru1', type: 'gru', params: { units: 5 }, position: { x: 300, y: 0 } },
    { id: 'o', type: 'output', params: {}, position: { x: 600, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'x', sourcePort: 'out', target: 'gru1', targetPort: 'in' },
    { id: 'e2', source: 'gru1', sourcePort: 'out', target: 'o', targetPort: 'in' },
  ],
});

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) => ({
  key: k,
  code: `Key${k.toUpperCase()}`,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: false,
});

describe('clipboard commands', () => {
  it('Ctrl+D (Cmd+D on a Mac) is Duplicate; plain D and Ctrl+Shift+D are not', () => {
    assert.equal(editCommandFor(key('d', { ctrl: true }), false), 'duplicate');
    assert.equal(editCommandFor(key('d', { meta: true }), true), 'duplicate');
    assert.equal(editCommandFor(key('d', { ctrl: true }), true), null);
    assert.equal(editCommandFor(key('d'), false), null);
    assert.equal(editCommandFor(key('D', { ctrl: true, shift: true }), false), null);
  });

  it('Duplicate adds a renamed copy of the selected blocks and the edges between them, as one undo step', () => {
    const store = createDocumentStore(doc());
    store.getState().select(['x', 'gru1']);
    runEditCommand(store, 'duplicate');
    const { nodes, edges } = store.getState().doc;
    assert.deepEqual(nodes.map((n) => n.id), ['x', 'gru1', 'o', 'x2', 'gru2']);
    assert.deepEqual(edges.at(-1), { id: 'e3', source: 'x2', sourcePort: 'out', target: 'gru2', targetPort: 'in' });
    assert.deepEqual(nodes.at(-1)?.params, { units: 5 });
    assert.deepEqual(store.getState().selection.nodes, ['x2', 'gru2']);
    store.getState().undo();
    assert.deepEqual(store.getState().doc, doc());
    assert.deepEqual(duplicateSelection(createDocumentStore(doc())), [], 'nothing selected: nothing to duplicate');
  });

  it('cut removes the blocks and their edges; pasting the text puts them back under their ids', () => {
    const store = createDocumentStore(doc());
    store.getState().select(['gru1']);
    const cut = cutSelection(store);
    assert.equal(cut?.blocks, 1);
    assert.deepEqual(store.getState().doc.nodes.map((n) => n.id), ['x', 'o']);
    assert.equal(store.getState().doc.edges.length, 0);
    const pasted = pasteText(store, cut!.text);
    assert.deepEqual(pasted, { ok: true, ids: ['gru1'] });
    const back = store.getState().doc.nodes.find((n) => n.id === 'gru1');
    assert.deepEqual(back?.params, { units: 5 });
  });

  it('text that is not copied blocks changes nothing, not even the history', () => {
    const store = createDocumentStore(doc());
    const before = store.getState().doc;
    const outcome = pasteText(store, '{"format":"rnn-studio.fragment","version":1,"nodes":[{"id":"a"}],"edges":[]}');
    assert.equal(outcome.ok, false);
    if (!outcome.ok) assert.match(outcome.reason, /damaged at nodes\.0\.type/);
    assert.equal(store.getState().doc, before);
    assert.equal(store.getState().canUndo, false);
  });
});
