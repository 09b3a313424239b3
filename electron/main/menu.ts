/**
 * The application menu as a plain template (Menu.buildFromTemplate turns it into a menu). Each
 * app command sends a MenuCommand to the focused window; text editing (cut, copy, paste) and
 * zoom use Electron's roles so they work in any text field. Undo, Redo and Select All go to the
 * page, which applies them to the graph, or to the text field that has the focus.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../common/api.ts';
import type { MainStrings } from './strings.ts';

/** Each command's accelerator (null: none), for the menu and for the test that pins them. */
export const ACCELERATORS: Record<MenuCommand, string | null> = {
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

/**
 * Shown in the menu but left to the page: a plain Delete key must keep deleting characters in text
 * fields, so the page's own key handling deletes graph selections.
 */
const SHOWN_ONLY: ReadonlySet<MenuCommand> = new Set(['edit.delete']);

export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  /** Development build: Reload and Toggle Developer Tools are in the View menu. */
  readonly isDev: boolean;
  readonly strings: MainStrings;
  readonly recent: readonly RecentFile[];
  /** Sends a command to the focused window (opening one when there is none). */
  command(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { strings: s, platform } = options;
  const mac = platform === 'darwin';
  const item = (command: MenuCommand, label: string, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions => {
    const accelerator = ACCELERATORS[command] ?? undefined;
    return {
      id: command,
      label,
      ...(accelerator !== undefined ? { accelerator } : {}),
      ...(SHOWN_ONLY.has(command) ? { registerAccelerator: false } : {}),
      click: () => options.command(command),
      ...extra,
    };
  };
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const recentItems: MenuItemConstructorOptions[] =
    options.recent.length === 0
      ? [{ id: 'file.noRecent', label: s.fileNoRecent, enabled: false }]
      : [
          ...options.recent.map((file, i): MenuItemConstructorOptions => ({
            id: `file.recent.${i}`,
            // A file name with '&' must not become an access key on Windows and Linux.
            label: mac ? file.name : file.name.replace(/&/g, '&&'),
            toolTip: file.path,
            click: () => options.openRecent(file.path),
          })),
          separator,
          { id: 'file.clearRecent', label: s.fileClearRecent, click: () => options.clearRecent() },
        ];

  const file: MenuItemConstructorOptions = {
    label: s.menuFile,
    submenu: [
      item('file.new', s.fileNew),
      item('file.open', s.fileOpen),
      { id: 'file.openRecent', label: s.fileOpenRecent, submenu: recentItems },
      separator,
      item('file.save', s.fileSave),
      item('file.saveAs', s.fileSaveAs),
      separator,
      item('file.import', s.fileImport),
      item('file.export', s.fileExport),
      item('file.templates', s.fileTemplates),
      separator,
      { role: 'close', label: s.fileClose },
      ...(mac ? [] : [separator, { role: 'quit', label: s.fileQuit } satisfies MenuItemConstructorOptions]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: s.menuEdit,
    submenu: [
      item('edit.undo', s.editUndo),
      item('edit.redo', s.editRedo),
      separator,
      { role: 'cut', label: s.editCut },
      { role: 'copy', label: s.editCopy },
      { role: 'paste', label: s.editPaste },
      item('edit.delete', s.editDelete, mac ? { accelerator: 'Backspace' } : {}),
      item('edit.selectAll', s.editSelectAll),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: s.menuView,
    submenu: [
      item('view.fitView', s.viewFitView),
      item('view.tidyUp', s.viewTidyUp),
      separator,
      { role: 'resetZoom', label: s.viewActualSize },
      { role: 'zoomIn', label: s.viewZoomIn },
      { role: 'zoomOut', label: s.viewZoomOut },
      separator,
      { role: 'togglefullscreen', label: s.viewFullScreen },
      ...(options.isDev
        ? [separator, { id: 'view.reload', role: 'reload', label: s.viewReload } as const, { id: 'view.devTools', role: 'toggleDevTools', label: s.viewDevTools } as const]
        : []),
    ],
  };

  const train: MenuItemConstructorOptions = {
    label: s.menuTrain,
    submenu: [item('train.start', s.trainStart), item('train.stop', s.trainStop)],
  };

  const help: MenuItemConstructorOptions = {
    label: s.menuHelp,
    ...(mac ? { role: 'help' as const } : {}),
    submenu: [{ id: 'help.about', role: 'about', label: s.helpAbout }],
  };

  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    file,
    edit,
    view,
    train,
    ...(mac ? [{ role: 'windowMenu', label: s.menuWindow } satisfies MenuItemConstructorOptions] : []),
    help,
  ];
}
