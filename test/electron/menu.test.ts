import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_COMMANDS, type MenuCommand } from '../../electron/common/api.ts';
import { ACCELERATORS, buildMenuTemplate } from '../../electron/main/menu.ts';
import { mainStrings } from '../../electron/main/strings.ts';

function build(platform: NodeJS.Platform, isDev: boolean, recent: { path: string; name: string }[] = []) {
  const sent: MenuCommand[] = [];
  const opened: string[] = [];
  let cleared = 0;
  const template = buildMenuTemplate({
    platform,
    isDev,
    strings: mainStrings.en,
    recent,
    command: (c) => sent.push(c),
    openRecent: (p) => opened.push(p),
    clearRecent: () => {
      cleared++;
    },
  });
  return { template, sent, opened, cleared: () => cleared };
}

/** Every item, depth first. */
function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

const click = (item: MenuItemConstructorOptions) => {
  assert.ok(item.click, `${item.id ?? item.label} has no click`);
  // Electron passes (menuItem, window, event); the handlers use none of them.
  (item.click as () => void)();
};

const EXPECTED: Record<MenuCommand, string> = {
  'file.new': 'CmdOrCtrl+N',
  'file.open': 'CmdOrCtrl+O',
  'file.save': 'CmdOrCtrl+S',
  'file.saveAs': 'CmdOrCtrl+Shift+S',
  'file.import': 'CmdOrCtrl+I',
  'file.export': 'CmdOrCtrl+E',
  'file.templates': 'CmdOrCtrl+Shift+N',
  'edit.undo': 'CmdOrCtrl+Z',
  'edit.redo': 'CmdOrCtrl+Shift+Z',
  'edit.delete': 'Delete',
  'edit.selectAll': 'CmdOrCtrl+A',
  'view.fitView': 'CmdOrCtrl+1',
  'view.tidyUp': 'CmdOrCtrl+Shift+L',
  'train.start': 'F5',
  'train.stop': 'Shift+F5',
};

describe('application menu', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`${platform}: every command is there once, with its accelerator, and sends itself`, () => {
      const { template, sent } = build(platform, false);
      const items = flatten(template);
      for (const command of MENU_COMMANDS) {
        const matches = items.filter((i) => i.id === command);
        assert.equal(matches.length, 1, command);
        const expected = platform === 'darwin' && command === 'edit.delete' ? 'Backspace' : EXPECTED[command];
        assert.equal(matches[0].accelerator, expected, command);
        click(matches[0]);
      }
      assert.deepEqual(sent, [...MENU_COMMANDS]);
    });
  }

  it('no two items share an accelerator, counting the ones Electron gives roles', () => {
    // Electron's default accelerators for the roles used (docs: MenuItem roles).
    const roleDefaults: Partial<Record<string, string>> = {
      cut: 'CmdOrCtrl+X',
      copy: 'CmdOrCtrl+C',
      paste: 'CmdOrCtrl+V',
      reload: 'CmdOrCtrl+R',
      toggleDevTools: 'CmdOrCtrl+Shift+I',
      resetZoom: 'CmdOrCtrl+0',
      zoomIn: 'CmdOrCtrl+Plus',
      zoomOut: 'CmdOrCtrl+-',
      togglefullscreen: 'F11',
      close: 'CmdOrCtrl+W',
      quit: 'CmdOrCtrl+Q',
    };
    const normalise = (a: string) => a.split('+').map((k) => k.toLowerCase()).sort().join('+');
    for (const platform of ['linux', 'darwin'] as const) {
      const accelerators = flatten(build(platform, true).template)
        .map((i) => (typeof i.accelerator === 'string' ? i.accelerator : i.role ? roleDefaults[i.role] : undefined))
        .filter((a): a is string => typeof a === 'string')
        .map(normalise);
      assert.equal(new Set(accelerators).size, accelerators.length, `${platform}: ${accelerators.join(', ')}`);
    }
  });

  it('pins the accelerator table', () => {
    assert.deepEqual(ACCELERATORS, EXPECTED);
  });

  it('leaves the plain Delete key to text fields (shown, not registered)', () => {
    const del = flatten(build('win32', false).template).find((i) => i.id === 'edit.delete');
    assert.equal(del?.registerAccelerator, false);
    const undo = flatten(build('win32', false).template).find((i) => i.id === 'edit.undo');
    assert.notEqual(undo?.registerAccelerator, false);
  });

  it('has File, Edit, View, Train, Help, the macOS app and window menus only on macOS, and Exit elsewhere', () => {
    const labels = (t: MenuItemConstructorOptions[]) => t.map((i) => i.label ?? i.role);
    assert.deepEqual(labels(build('linux', false).template), ['File', 'Edit', 'View', 'Train', 'Help']);
    assert.deepEqual(labels(build('darwin', false).template), ['appMenu', 'File', 'Edit', 'View', 'Train', 'Window', 'Help']);
    const roles = (p: NodeJS.Platform) => flatten(build(p, false).template).map((i) => i.role).filter(Boolean);
    assert.ok(roles('win32').includes('quit'));
    assert.ok(!roles('darwin').includes('quit'), 'macOS quits from the app menu');
    for (const role of ['cut', 'copy', 'paste', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'close', 'about'] as const) {
      assert.ok(roles('linux').includes(role), role);
    }
  });

  it('has Reload and Toggle Developer Tools in development only', () => {
    const roles = (isDev: boolean) => flatten(build('linux', isDev).template).map((i) => i.role);
    assert.ok(roles(true).includes('reload'));
    assert.ok(roles(true).includes('toggleDevTools'));
    assert.ok(!roles(false).includes('reload'));
    assert.ok(!roles(false).includes('forceReload'));
    assert.ok(!roles(false).includes('toggleDevTools'));
  });

  it('lists recent files, opens the one clicked, and can clear the list', () => {
    const recent = [
      { path: '/home/u/a & b.rnn.json', name: 'a & b.rnn.json' },
      { path: '/home/u/c.rnn.json', name: 'c.rnn.json' },
    ];
    const { template, opened, cleared } = build('linux', false, recent);
    const openRecent = flatten(template).find((i) => i.id === 'file.openRecent');
    const entries = (openRecent?.submenu as MenuItemConstructorOptions[]).filter((i) => i.id?.startsWith('file.recent.'));
    assert.deepEqual(entries.map((i) => i.label), ['a && b.rnn.json', 'c.rnn.json']);
    click(entries[1]);
    assert.deepEqual(opened, ['/home/u/c.rnn.json']);
    const clear = flatten(template).find((i) => i.id === 'file.clearRecent');
    assert.ok(clear);
    click(clear);
    assert.equal(cleared(), 1);
    const empty = flatten(build('linux', false).template).find((i) => i.id === 'file.noRecent');
    assert.equal(empty?.enabled, false);
  });

  it('uses the Chinese strings when asked', () => {
    const template = buildMenuTemplate({ platform: 'linux', isDev: false, strings: mainStrings.zh, recent: [], command: () => undefined, openRecent: () => undefined, clearRecent: () => undefined });
    assert.deepEqual(template.map((i) => i.label), ['文件', '编辑', '视图', '训练', '帮助']);
  });
});
