/**
 * Copy, cut, paste and duplicate on the document store, with the clipboard as text: what the
 * keyboard, the Edit menu and the context menu all call. Paste and duplicate are one undo step
 * each; text that is not copied blocks changes nothing and comes back with the reason.
 */
import type { DocumentStore } from '../store/document-store.ts';
import { copyFragment, fragmentText, parseFragment, pasteElements } from './fragment.ts';
import { pastePositions } from './place-block.ts';

/** Clipboard text and how many blocks it holds. */
export interface Copied {
  readonly text: string;
  readonly blocks: number;
}

/** The selected blocks as clipboard text, or null when no block is selected. */
export function copySelection(store: DocumentStore): Copied | null {
  const { doc, selection } = store.getState();
  const fragment = copyFragment(doc, selection);
  return fragment && { text: fragmentText(fragment), blocks: fragment.nodes.length };
}

/** Copies the selected blocks, then removes them and every edge touching them (one undo step). */
export function cutSelection(store: DocumentStore): Copied | null {
  const copied = copySelection(store);
  if (copied !== null) store.getState().removeSelection();
  return copied;
}

/** A paste that worked names the blocks it added, for the layout to give them their place. */
export type PasteOutcome = { readonly ok: true; readonly ids: readonly string[] } | { readonly ok: false; readonly reason: string };

/** Adds the blocks in `text` (selected afterwards), or says why `text` is not copied blocks. */
export function pasteText(store: DocumentStore, text: string): PasteOutcome {
  const parsed = parseFragment(text);
  if (!parsed.ok) return parsed;
  const { nodes, edges } = pasteElements(store.getState().doc, parsed.fragment, pastePositions);
  store.getState().insertElements(nodes, edges);
  return { ok: true, ids: nodes.map((n) => n.id) };
}

/** A copy of the selected blocks beside them, leaving the clipboard alone; the new blocks' ids, none when none is selected. */
export function duplicateSelection(store: DocumentStore): readonly string[] {
  const { doc, selection } = store.getState();
  const fragment = copyFragment(doc, selection);
  if (!fragment) return [];
  const { nodes, edges } = pasteElements(doc, fragment, pastePositions);
  store.getState().insertElements(nodes, edges);
  return nodes.map((n) => n.id);
}
