/**
 * The editor's keyboard shortcuts and native menu commands: undo, redo, delete, duplicate, select
 * all, fit view, tidy up (copy, cut and paste arrive as the page's clipboard events: use-clipboard.ts).
 * Keys typed into a text field belong to that field (its own undo, its own Delete).
 */
import type { MenuCommand } from '../platform/desktop-api.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { duplicateSelection } from './clipboard-commands.ts';

export type EditCommand = 'undo' | 'redo' | 'delete' | 'duplicate' | 'selectAll' | 'fitView' | 'tidyUp';

export interface KeyLike {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** The edit command for a key press, or null. Ctrl on Windows/Linux, Cmd on a Mac. */
export function editCommandFor(e: KeyLike, mac: boolean): EditCommand | null {
  const mod = mac ? e.metaKey : e.ctrlKey;
  const letter = /^[a-z]$/i.test(e.key) ? e.key.toLowerCase() : /^Key[A-Z]$/.test(e.code) ? e.code.slice(3).toLowerCase() : '';
  if (!mod && !e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'Delete' || e.key === 'Backspace')) return 'delete';
  if (!mod || e.altKey) return null;
  if (letter === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (letter === 'y' && !mac && !e.shiftKey) return 'redo';
  if (letter === 'a' && !e.shiftKey) return 'selectAll';
  if (letter === 'd' && !e.shiftKey) return 'duplicate';
  if (letter === 'l' && e.shiftKey) return 'tidyUp';
  return null;
}

export function editCommandFromMenu(command: MenuCommand): EditCommand | null {
  switch (command) {
    case 'edit.undo':
      return 'undo';
    case 'edit.redo':
      return 'redo';
    case 'edit.delete':
      return 'delete';
    case 'edit.selectAll':
      return 'selectAll';
    case 'view.fitView':
      return 'fitView';
    case 'view.tidyUp':
      return 'tidyUp';
    default:
      return null;
  }
}

/** Runs a command on the document; 'fitView' and 'tidyUp' need the canvas and return false here. */
export function runEditCommand(store: DocumentStore, command: EditCommand): boolean {
  const s = store.getState();
  switch (command) {
    case 'undo':
      s.undo();
      return true;
    case 'redo':
      s.redo();
      return true;
    case 'delete':
      s.removeSelection();
      return true;
    case 'duplicate':
      duplicateSelection(store);
      return true;
    case 'selectAll':
      s.select(
        s.doc.nodes.map((n) => n.id),
        s.doc.edges.map((e) => e.id),
      );
      return true;
    case 'fitView':
    case 'tidyUp':
      return false;
  }
}

/** Whether keys typed at `target` belong to a text field rather than to the editor. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('[contenteditable="true"], textarea, select')) return true;
  const input = target.closest('input');
  return !!input && !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(input.type);
}
