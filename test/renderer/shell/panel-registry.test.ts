/**
 * The panel registry: each area lists its panels in their order whatever order they were
 * registered in, ids are the registered ones, and two panels cannot claim one id or one place.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPanelRegistry, type PanelId } from '../../../renderer/shell/panel-registry.ts';
import { appLikePanels, fakePanel } from './fake-panels.ts';

// PanelId is the union of the ids the feature folders register (a compile error otherwise).
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(value: T) => value;
same<Mutual<PanelId, 'training' | 'unrolled' | 'problems' | 'palette' | 'inspector'>>(true);

describe('panel registry', () => {
  it('lays out each area in order, whatever order the panels were registered in', () => {
    const panels = createPanelRegistry(appLikePanels());
    assert.deepEqual(
      panels.inArea('bottom').map((p) => p.id),
      ['training', 'unrolled', 'problems'],
    );
    assert.deepEqual(
      panels.inArea('left').map((p) => p.id),
      ['palette'],
    );
    assert.deepEqual(
      panels.inArea('right').map((p) => p.id),
      ['inspector'],
    );
    assert.equal(panels.all.length, 5);
  });

  it('finds a panel by id, and knows which ids are registered', () => {
    const panels = createPanelRegistry(appLikePanels());
    assert.equal(panels.get('unrolled').render(), 'unrolled');
    assert.equal(panels.has('problems'), true);
    assert.equal(panels.has('console'), false);
    const fewer = createPanelRegistry([fakePanel('training', 'bottom', 1)]);
    assert.throws(() => fewer.get('problems'), /no panel is registered as 'problems'/);
    assert.deepEqual(fewer.inArea('left'), []);
  });

  it('refuses two panels with one id', () => {
    assert.throws(() => createPanelRegistry([fakePanel('training', 'bottom', 1), fakePanel('training', 'bottom', 2)]), /two panels are registered as 'training'/);
  });

  it('refuses two panels in one place of an area, but not the same number in different areas', () => {
    assert.throws(() => createPanelRegistry([fakePanel('training', 'bottom', 10), fakePanel('problems', 'bottom', 10)]), /'training' and 'problems' both ask for place 10 in the bottom area/);
    assert.doesNotThrow(() => createPanelRegistry([fakePanel('palette', 'left', 10), fakePanel('inspector', 'right', 10)]));
  });
});
