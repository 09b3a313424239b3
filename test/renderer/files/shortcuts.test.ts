/** Keyboard shortcuts and native menu commands of the File menu. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromMenuCommand, shortcutCommand, shortcutLabel, type KeyLike } from '../../../renderer/files/shortcuts.ts';
import type { MenuCommand } from '../../../renderer/platform/desktop-api.ts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  code: /^[a-z]$/i.test(k) ? `Key${k.toUpperCase()}` : '',
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('file shortcuts', () => {
  const cases: [string, KeyLike, ReturnType<typeof shortcutCommand>][] = [
    ['Ctrl+N', key('n', { ctrlKey: true }), 'new'],
    ['Cmd+O', key('o', { metaKey: true }), 'open'],
    ['Ctrl+S', key('s', { ctrlKey: true }), 'save'],
    ['Ctrl+Shift+S', key('S', { ctrlKey: true, shiftKey: true }), 'saveAs'],
    ['Cmd+Shift+S', key('S', { metaKey: true, shiftKey: true }), 'saveAs'],
    ['Ctrl+S with Caps Lock', key('S', { ctrlKey: true }), 'save'],
    ['Ctrl+S on a Russian layout', { ...key('ы', { ctrlKey: true }), code: 'KeyS' }, 'save'],
    ['S alone', key('s'), null],
    ['Shift+S alone', key('S', { shiftKey: true }), null],
    ['Ctrl+Alt+S', key('s', { ctrlKey: true, altKey: true }), null],
    ['Ctrl+Shift+N', key('N', { ctrlKey: true, shiftKey: true }), null],
    ['Ctrl+Z', key('z', { ctrlKey: true }), null],
    ['Ctrl+Enter', { ...key('Enter', { ctrlKey: true }), code: 'Enter' }, null],
  ];
  for (const [name, event, command] of cases) {
    it(`${name} → ${command ?? 'nothing'}`, () => assert.equal(shortcutCommand(event), command));
  }

  it('labels shortcuts the way each system writes them', () => {
    assert.equal(shortcutLabel('saveAs', false), 'Ctrl+Shift+S');
    assert.equal(shortcutLabel('saveAs', true), '⌘⇧S');
    assert.equal(shortcutLabel('open', false), 'Ctrl+O');
    assert.equal(shortcutLabel('export', false), null);
  });
});

describe('native menu commands', () => {
  it('maps every file.* command and nothing else', () => {
    const all: MenuCommand[] = ['file.new', 'file.open', 'file.save', 'file.saveAs', 'file.import', 'file.export', 'file.templates', 'edit.undo', 'train.start'];
    assert.deepEqual(
      all.map((c) => fromMenuCommand(c)),
      ['new', 'open', 'save', 'saveAs', 'import', 'export', 'templates', null, null],
    );
    assert.equal(fromMenuCommand('toString'), null);
  });
});
