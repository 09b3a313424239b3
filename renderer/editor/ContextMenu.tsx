/**
 * The canvas's context menu (right click, or the Menu key / Shift+F10 on a focused block or edge):
 * arrow keys move between items, Enter runs one, Escape or Tab closes it and gives focus back to
 * what had it. "Help" turns the menu into the block's help card.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getBlock } from '../../engine/blocks/registry.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { BlockHelpCard } from './BlockHelpCard.tsx';
import { duplicateSelection } from './clipboard-commands.ts';
import { type MenuAction, type MenuTarget, menuLines } from './context-menu.ts';
import { runEditCommand } from './edit-commands.ts';
import { useArrange } from './use-arrange.ts';
import type { ClipboardActions } from './use-clipboard.ts';

export interface MenuRequest {
  readonly target: MenuTarget;
  /** Where it opens, in window coordinates. */
  readonly x: number;
  readonly y: number;
}

const isMac = () => /mac/i.test(navigator.platform || navigator.userAgent);

const SHORTCUTS: Partial<Record<MenuAction, string>> = { copy: 'C', cut: 'X', paste: 'V', duplicate: 'D', selectAll: 'A' };

function shortcutOf(a: MenuAction): string | undefined {
  if (a === 'delete' || a === 'deleteEdge') return isMac() ? '⌫' : 'Del';
  const key = SHORTCUTS[a];
  return key && (isMac() ? `⌘${key}` : `Ctrl+${key}`);
}

export function ContextMenu({ request, clipboard, onClose }: { request: MenuRequest; clipboard: ClipboardActions; onClose: () => void }) {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const arrange = useArrange();
  const toasts = useToasts();
  const language = useLanguage();
  const doc = useDocument((s) => s.doc);
  const selection = useDocument((s) => s.selection);
  const [help, setHelp] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const returnFocus = useRef<Element | null>(document.activeElement);
  const { target } = request;

  const close = (refocus: boolean) => {
    onClose();
    if (refocus && returnFocus.current instanceof HTMLElement) returnFocus.current.focus();
  };

  useEffect(() => {
    const onPointerDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [onClose]);

  useEffect(() => {
    const first = root.current?.querySelector<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? root.current;
    first?.focus();
  }, [help]);

  const run = (a: MenuAction, block: string | undefined) => {
    const s = store.getState();
    switch (a) {
      case 'copy':
        return clipboard.copy();
      case 'cut':
        return clipboard.cut();
      case 'paste':
        return clipboard.paste();
      case 'duplicate':
        return void arrange.placeNew(duplicateSelection(store), { arrange: false, room: 'free' });
      case 'delete':
        return s.removeSelection();
      case 'deleteEdge':
        if (target.kind === 'edge') s.removeEdges([target.id]);
        return;
      case 'selectAll':
        return void runEditCommand(store, 'selectAll');
      case 'open': {
        if (target.kind !== 'block') return;
        const opened = arrange.openAsPrimitives(target.id);
        if (!opened.ok) toasts.show({ kind: 'error', message: t('inspector.cannotOpen', { reason: opened.reason }) });
        return;
      }
      case 'collapse': {
        if (!block) return;
        const closed = s.collapseOpened(block);
        if (!closed.ok) toasts.show({ kind: 'error', message: t('contextMenu.cannotCollapse', { reason: closed.reason }) });
        return;
      }
      case 'help':
        return;
    }
  };

  const left = Math.max(4, Math.min(request.x, window.innerWidth - 260));
  const top = Math.max(4, Math.min(request.y, window.innerHeight - 360));

  if (help !== null) {
    const block = getBlock(help);
    return (
      <div
        ref={root}
        className="context-help"
        role="dialog"
        aria-label={t('contextMenu.helpLabel', { block: block?.label[language] ?? help })}
        tabIndex={-1}
        data-testid="context-help"
        onKeyDown={(e) => {
          if (e.key !== 'Escape' && e.key !== 'Tab') return;
          e.preventDefault();
          close(true);
        }}
      >
        {block && <BlockHelpCard id="context-help-card" block={block} top={top} left={left} />}
      </div>
    );
  }

  const label =
    target.kind === 'block'
      ? t('contextMenu.block', { name: doc.nodes.find((n) => n.id === target.id)?.label ?? target.id })
      : target.kind === 'edge'
        ? t('contextMenu.edge', { id: target.id })
        : t('contextMenu.canvas');
  const items = () => [...(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])];
  const moveFocus = (delta: number) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    all[(at + delta + all.length) % all.length]?.focus();
  };

  return (
    <div
      ref={root}
      role="menu"
      aria-label={label}
      className="menu-list context-menu"
      data-testid="context-menu"
      style={{ left, top }}
      onContextMenu={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') moveFocus(1);
        else if (e.key === 'ArrowUp') moveFocus(-1);
        else if (e.key === 'Home') items()[0]?.focus();
        else if (e.key === 'End') items().at(-1)?.focus();
        else if (e.key === 'Escape' || e.key === 'Tab') close(true);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      {menuLines(doc, selection, target).map((line) => {
        if (line.kind === 'separator') return <div key={line.id} role="separator" className="menu-separator" />;
        const text = line.action === 'collapse' ? t('contextMenu.collapse', { block: line.block }) : t(`contextMenu.${line.action}`);
        const title = line.refused ?? (line.action === 'collapse' ? t('contextMenu.collapseTitle') : undefined);
        return (
          <button
            key={line.action}
            type="button"
            role="menuitem"
            className="menu-item"
            disabled={line.refused !== undefined}
            title={title}
            data-testid={`context-${line.action}`}
            onClick={() => {
              if (line.action === 'help' && target.kind === 'block') {
                setHelp(doc.nodes.find((n) => n.id === target.id)?.type ?? '');
                return;
              }
              close(true);
              run(line.action, line.block);
            }}
          >
            <span className="menu-item-label">{text}</span>
            {shortcutOf(line.action) && <span className="menu-item-shortcut">{shortcutOf(line.action)}</span>}
          </button>
        );
      })}
    </div>
  );
}
