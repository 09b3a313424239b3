/** The editor's shortcuts: which key press is which command, Ctrl on Windows/Linux and Cmd on a Mac. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editCommandFor, editCommandFromMenu, type KeyLike } from '../../../renderer/editor/edit-commands.ts';

const press = (key: string, mods: Partial<Omit<KeyLike, 'key' | 'code'>> = {}): KeyLike => ({
  key,
  code: /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('edit commands', () => {
  it('Ctrl+Shift+L (Cmd+Shift+L on a Mac) tidies up; L alone or without Shift does not', () => {
    assert.equal(editCommandFor(press('L', { ctrlKey: true, shiftKey: true }), false), 'tidyUp');
    assert.equal(editCommandFor(press('L', { metaKey: true, shiftKey: true }), true), 'tidyUp');
    assert.equal(editCommandFor(press('L', { ctrlKey: true, shiftKey: true }), true), null, 'Ctrl on a Mac is not the command key');
    assert.equal(editCommandFor(press('l', { ctrlKey: true }), false), null);
    assert.equal(editCommandFor(press('L', { shiftKey: true }), false), null);
  });

  it('the menu command and the other shortcuts', () => {
    assert.equal(editCommandFromMenu('view.tidyUp'), 'tidyUp');
    assert.equal(editCommandFromMenu('view.fitView'), 'fitView');
    assert.equal(editCommandFor(press('z', { ctrlKey: true }), false), 'undo');
    assert.equal(editCommandFor(press('Delete'), false), 'delete');
  });
});
