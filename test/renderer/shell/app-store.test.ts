/**
 * The app store: which panel each area shows, focus requests and highlights, driven through its
 * actions the way the tabs, the Problems list and a workshop drive them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAppStore, isHighlighted, type HighlightTarget } from '../../../renderer/shell/app-store.ts';
import { createPanelRegistry, type PanelId } from '../../../renderer/shell/panel-registry.ts';
import { appLikePanels } from './fake-panels.ts';

function setup() {
  const store = createAppStore(createPanelRegistry(appLikePanels()));
  let changes = 0;
  store.subscribe(() => changes++);
  return { store, s: () => store.getState(), changes: () => changes };
}

describe('app store: panels', () => {
  it('starts with each area on its first panel, expanded', () => {
    const { s } = setup();
    assert.deepEqual(s().areas, {
      left: { active: 'palette', collapsed: false },
      right: { active: 'inspector', collapsed: false },
      bottom: { active: 'training', collapsed: false },
    });
  });

  it('opening a panel makes it its area’s tab and expands the area, leaving the other areas alone', () => {
    const { s } = setup();
    s().setCollapsed('bottom', true);
    s().openPanel('problems');
    assert.deepEqual(s().areas.bottom, { active: 'problems', collapsed: false });
    assert.deepEqual(s().areas.left, { active: 'palette', collapsed: false });
  });

  it('collapsing keeps the tab, so expanding shows it again', () => {
    const { s } = setup();
    s().openPanel('unrolled');
    s().setCollapsed('bottom', true);
    assert.deepEqual(s().areas.bottom, { active: 'unrolled', collapsed: true });
    s().setCollapsed('bottom', false);
    assert.deepEqual(s().areas.bottom, { active: 'unrolled', collapsed: false });
  });

  it('changes nothing, and tells nobody, when the panel is already open', () => {
    const { s, changes } = setup();
    s().openPanel('training');
    s().setCollapsed('bottom', false);
    assert.equal(changes(), 0);
    s().openPanel('problems');
    assert.equal(changes(), 1);
  });

  it('refuses a panel nobody registered', () => {
    const { s } = setup();
    assert.throws(() => s().openPanel('console' as PanelId), /no panel is registered as 'console'/);
  });
});

describe('app store: focus', () => {
  it('asking twice for the same block is two requests', () => {
    const { s } = setup();
    assert.equal(s().focus, null);
    s().focusOn({ kind: 'block', blockId: 'rnn' });
    const first = s().focus;
    s().focusOn({ kind: 'block', blockId: 'rnn' });
    const second = s().focus;
    assert.deepEqual(first?.target, { kind: 'block', blockId: 'rnn' });
    assert.deepEqual(second?.target, first?.target);
    assert.notEqual(second?.serial, first?.serial);
    s().focusOn({ kind: 'edge', edgeId: 'e1' });
    assert.deepEqual(s().focus?.target, { kind: 'edge', edgeId: 'e1' });
  });
});

describe('app store: highlights', () => {
  const block: HighlightTarget = { kind: 'block', blockId: 'rnn' };
  const port: HighlightTarget = { kind: 'port', blockId: 'rnn', port: 'h' };
  const panel: HighlightTarget = { kind: 'panel', panel: 'training' };

  it('adds targets once each, and clears them all', () => {
    const { s, changes } = setup();
    s().highlight([block, port]);
    s().highlight([port, panel, { kind: 'block', blockId: 'rnn' }]);
    assert.deepEqual(s().highlights, [block, port, panel]);
    assert.equal(changes(), 2);
    s().highlight([panel]);
    assert.equal(changes(), 2, 'nothing new, no change');
    s().clearHighlights();
    assert.deepEqual(s().highlights, []);
    s().clearHighlights();
    assert.equal(changes(), 3);
  });

  it('tells a port from its block, and one port from another', () => {
    const { s } = setup();
    s().highlight([port]);
    const h = s().highlights;
    assert.equal(isHighlighted(h, port), true);
    assert.equal(isHighlighted(h, block), false);
    assert.equal(isHighlighted(h, { kind: 'port', blockId: 'rnn', port: 'y' }), false);
    assert.equal(isHighlighted(h, { kind: 'port', blockId: 'out', port: 'h' }), false);
    assert.equal(isHighlighted(h, { kind: 'panel', panel: 'problems' }), false);
  });
});
