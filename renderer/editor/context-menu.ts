/**
 * What the context menu offers on a block, an edge or the empty canvas, as data: the component
 * draws it, the tests read it. Actions apply to the selection, which a right-click on an
 * unselected block or edge first makes that one thing.
 */
import { expandNode } from '../../engine/blocks/expand.ts';
import { getBlock } from '../../engine/blocks/registry.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import type { Selection } from '../store/document-store.ts';
import { openedFrom } from '../store/opened-blocks.ts';

export type MenuTarget = { readonly kind: 'block'; readonly id: string } | { readonly kind: 'edge'; readonly id: string } | { readonly kind: 'canvas' };

export type MenuAction = 'copy' | 'cut' | 'paste' | 'duplicate' | 'delete' | 'deleteEdge' | 'selectAll' | 'open' | 'collapse' | 'help';

export type MenuLine =
  | {
      readonly kind: 'action';
      readonly action: MenuAction;
      /** Why it cannot be done now; shown as the item's title, and the item is disabled. */
      readonly refused?: string;
      /** The block a collapse gives back. */
      readonly block?: string;
    }
  | { readonly kind: 'separator'; readonly id: string };

const action = (a: MenuAction, more: { refused?: string; block?: string } = {}): MenuLine => ({ kind: 'action', action: a, ...more });
const separator = (id: string): MenuLine => ({ kind: 'separator', id });

/** The menu for `target` given the selection it acts on. */
export function menuLines(doc: GraphDocument, selection: Selection, target: MenuTarget): MenuLine[] {
  const clip = [action('copy'), action('cut'), action('paste'), action('duplicate'), action('delete')];
  switch (target.kind) {
    case 'canvas':
      return selection.nodes.length > 0 ? [action('paste'), action('selectAll'), separator('selection'), ...clip.filter((l) => l.kind === 'action' && l.action !== 'paste')] : [action('paste'), action('selectAll')];
    case 'edge':
      return [action('deleteEdge'), separator('canvas'), action('paste'), action('selectAll')];
    case 'block': {
      const node = doc.nodes.find((n) => n.id === target.id);
      const block = node && getBlock(node.type);
      const lines = [...clip];
      const structure: MenuLine[] = [];
      if (block?.opens) {
        const check = expandNode(doc, target.id);
        structure.push(action('open', check.ok ? {} : { refused: check.reason }));
      }
      const from = openedFrom(doc, target.id);
      if (from) structure.push(action('collapse', { block: from }));
      if (structure.length > 0) lines.push(separator('structure'), ...structure);
      if (block) lines.push(separator('help'), action('help'));
      return lines;
    }
  }
}
