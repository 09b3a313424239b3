/**
 * The File menu's keyboard shortcuts in a browser. Inside Electron the native menu owns these
 * accelerators and sends `file.*` commands instead, so the page does not listen there.
 */
import type { MenuCommand } from '../platform/desktop-api.ts';

export type FileCommand = 'new' | 'open' | 'save' | 'saveAs' | 'import' | 'export' | 'templates';

/** Every `file.*` command of the native menu; a new one does not compile until it is mapped here. */
const FROM_MENU: { readonly [C in Extract<MenuCommand, `file.${string}`>]: FileCommand } = {
  'file.new': 'new',
  'file.open': 'open',
  'file.save': 'save',
  'file.saveAs': 'saveAs',
  'file.import': 'import',
  'file.export': 'export',
  'file.templates': 'templates',
};

export interface KeyLike {
  readonly key: string;
  /** The physical key, for layouts whose `key` is not a Latin letter. */
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** The command for Ctrl/Cmd+N, O, S and Shift+S; null for any other key. */
export function shortcutCommand(e: KeyLike): FileCommand | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const letter = /^[a-z]$/i.test(e.key) ? e.key.toLowerCase() : /^Key[A-Z]$/.test(e.code) ? e.code.slice(3).toLowerCase() : '';
  switch (letter) {
    case 'n':
      return e.shiftKey ? null : 'new';
    case 'o':
      return e.shiftKey ? null : 'open';
    case 's':
      return e.shiftKey ? 'saveAs' : 'save';
    default:
      return null;
  }
}

/** How a shortcut is written in the menu on this system: "⌘⇧S" on a Mac, "Ctrl+Shift+S" elsewhere. */
export function shortcutLabel(command: FileCommand, mac: boolean): string | null {
  const keys: Partial<Record<FileCommand, { key: string; shift: boolean }>> = {
    new: { key: 'N', shift: false },
    open: { key: 'O', shift: false },
    save: { key: 'S', shift: false },
    saveAs: { key: 'S', shift: true },
  };
  const k = keys[command];
  if (!k) return null;
  return mac ? `⌘${k.shift ? '⇧' : ''}${k.key}` : `Ctrl+${k.shift ? 'Shift+' : ''}${k.key}`;
}

/** The File menu command a native `file.*` menu command stands for; null for other commands. */
export function fromMenuCommand(command: string): FileCommand | null {
  return Object.hasOwn(FROM_MENU, command) ? FROM_MENU[command as keyof typeof FROM_MENU] : null;
}
