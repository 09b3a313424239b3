/**
 * What the context menu offers: clipboard actions on a block, "open as primitives" only where the
 * block opens (disabled with the engine's reason where it cannot), "close back" on primitives that
 * came from a block, help on known blocks; and every action has its words in both languages.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { type MenuAction, menuLines, type MenuLine } from '../../../renderer/editor/context-menu.ts';
import { editor } from '../../../renderer/editor/strings.ts';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';

const doc = (lstmParams: Record<string, unknown> = { units: 4 }): GraphDocument => ({
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: 'menu',
  nodes: [
    { id: 'x', type: 'input', params: { size: 3 }, position: { x: 0, y: 0 } },
    { id: 'rnn', type: 'lstm', params: lstmParams, position: { x: 300, y: 0 } },
    { id: 't', type: 'tanh', params: {}, position: { x: 600, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'x', sourcePort: 'out', target: 'rnn', targetPort: 'in' },
    { id: 'e2', source: 'rnn', sourcePort: 'out', target: 't', targetPort: 'in' },
  ],
});

const actions = (lines: MenuLine[]) => lines.flatMap((l) => (l.kind === 'action' ? [l.action] : []));
const none = { nodes: [], edges: [] };

describe('context menu', () => {
  it('on a block that opens: clipboard actions, open, help', () => {
    assert.deepEqual(actions(menuLines(doc(), { nodes: ['rnn'], edges: [] }, { kind: 'block', id: 'rnn' })), ['copy', 'cut', 'paste', 'duplicate', 'delete', 'open', 'help']);
  });

  it('on a primitive: no open; on a block whose initial state is wired: open disabled with the reason', () => {
    assert.deepEqual(actions(menuLines(doc(), none, { kind: 'block', id: 't' })), ['copy', 'cut', 'paste', 'duplicate', 'delete', 'help']);
    const wired = doc();
    wired.edges.push({ id: 'e3', source: 'x', sourcePort: 'out', target: 'rnn', targetPort: 'h0' });
    const open = menuLines(wired, none, { kind: 'block', id: 'rnn' }).find((l) => l.kind === 'action' && l.action === 'open');
    assert.ok(open?.kind === 'action' && open.refused);
    assert.match(open.refused, /initial state 'h0' is connected/);
  });

  it('on a primitive opened from a block: close back into that block', () => {
    const store = createDocumentStore(doc());
    const opened = store.getState().expandNode('rnn');
    assert.ok(opened.ok);
    const lines = menuLines(store.getState().doc, store.getState().selection, { kind: 'block', id: opened.nodes[0] });
    assert.deepEqual(
      lines.filter((l) => l.kind === 'action' && l.action === 'collapse'),
      [{ kind: 'action', action: 'collapse', block: 'rnn' }],
    );
  });

  it('on an edge and on the canvas', () => {
    assert.deepEqual(actions(menuLines(doc(), none, { kind: 'edge', id: 'e1' })), ['deleteEdge', 'paste', 'selectAll']);
    assert.deepEqual(actions(menuLines(doc(), none, { kind: 'canvas' })), ['paste', 'selectAll']);
    assert.deepEqual(actions(menuLines(doc(), { nodes: ['t'], edges: [] }, { kind: 'canvas' })), ['paste', 'selectAll', 'copy', 'cut', 'duplicate', 'delete']);
  });

  it('every action has its words in English and Chinese', () => {
    const all: MenuAction[] = ['copy', 'cut', 'paste', 'duplicate', 'delete', 'deleteEdge', 'selectAll', 'open', 'collapse', 'help'];
    for (const lang of [editor.en, editor.zh]) for (const a of all) assert.ok(lang.contextMenu[a].trim(), a);
  });
});
