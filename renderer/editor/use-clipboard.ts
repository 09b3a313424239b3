/**
 * Copy, cut and paste of blocks through the system clipboard. Ctrl/Cmd+C, X and V (and Electron's
 * Edit menu, whose roles send the same events) arrive as the page's copy, cut and paste events,
 * which carry the clipboard with them and need no permission. The context menu has no such event
 * and uses the async clipboard API; where that is refused, what this window copied last is used.
 * Text fields, open dialogs and selected page text keep the native behaviour.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocumentStore } from '../store/context.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { type Copied, copySelection, cutSelection, type PasteOutcome, pasteText } from './clipboard-commands.ts';
import { isTextEntry } from './edit-commands.ts';
import { useArrange } from './use-arrange.ts';

export interface ClipboardActions {
  copy(): void;
  cut(): void;
  paste(): void;
}

/** Whether a clipboard event belongs to the page's own text rather than to the blocks. */
function belongsToText(target: EventTarget | null): boolean {
  if (isTextEntry(target) || isTextEntry(document.activeElement) || document.querySelector('dialog[open]')) return true;
  const selected = window.getSelection();
  return !!selected && !selected.isCollapsed;
}

export function useClipboard(): ClipboardActions {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const toasts = useToasts();
  /** What this window put on the clipboard last, for a paste from the menu where reading it is refused. */
  const lastCopied = useRef<string | null>(null);

  const arrange = useArrange();

  const report = useCallback(
    (outcome: PasteOutcome) => {
      if (!outcome.ok) return toasts.show({ kind: 'error', message: t('clipboard.notPasted', { reason: outcome.reason }) });
      toasts.show({ kind: 'success', message: t('clipboard.pasted', { count: outcome.ids.length }) });
      // The pasted blocks keep their arrangement and move together into free space.
      void arrange.placeNew(outcome.ids, { arrange: false, room: 'free' });
    },
    [toasts, t, arrange],
  );

  useEffect(() => {
    const onCopyOrCut = (e: ClipboardEvent) => {
      if (belongsToText(e.target) || !e.clipboardData) return;
      const copied = e.type === 'cut' ? cutSelection(store) : copySelection(store);
      if (copied === null) return;
      e.preventDefault();
      e.clipboardData.setData('text/plain', copied.text);
      lastCopied.current = copied.text;
      toasts.show({ kind: 'info', message: t(e.type === 'cut' ? 'clipboard.cut' : 'clipboard.copied', { count: copied.blocks }) });
    };
    const onPaste = (e: ClipboardEvent) => {
      if (belongsToText(e.target) || !e.clipboardData) return;
      e.preventDefault();
      report(pasteText(store, e.clipboardData.getData('text/plain')));
    };
    document.addEventListener('copy', onCopyOrCut);
    document.addEventListener('cut', onCopyOrCut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopyOrCut);
      document.removeEventListener('cut', onCopyOrCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, toasts, t, report]);

  return useMemo(() => {
    const put = (copied: Copied | null, done: 'clipboard.copied' | 'clipboard.cut') => {
      if (copied === null) return;
      lastCopied.current = copied.text;
      navigator.clipboard.writeText(copied.text).then(
        () => toasts.show({ kind: 'info', message: t(done, { count: copied.blocks }) }),
        () => toasts.show({ kind: 'error', message: t('clipboard.unwritable') }),
      );
    };
    return {
      copy: () => put(copySelection(store), 'clipboard.copied'),
      cut: () => put(cutSelection(store), 'clipboard.cut'),
      paste() {
        navigator.clipboard.readText().then(
          (text) => report(pasteText(store, text)),
          () => {
            if (lastCopied.current === null) toasts.show({ kind: 'error', message: t('clipboard.unreadable') });
            else report(pasteText(store, lastCopied.current));
          },
        );
      },
    };
  }, [store, toasts, t, report]);
}
