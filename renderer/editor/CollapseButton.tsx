/** "Close back into block …" in the inspector of a primitive that came from opening a block: enabled while the primitives are as drawn, else why not. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { collapseOpening, openedFrom } from '../store/opened-blocks.ts';
import { Button } from '../ui/Button.tsx';

export function CollapseButton({ nodeId }: { nodeId: string }) {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const doc = useDocument((s) => s.doc);
  const from = useMemo(() => openedFrom(doc, nodeId), [doc, nodeId]);
  const check = useMemo(() => from && collapseOpening(doc, from), [doc, from]);
  if (!from || !check) return null;
  return (
    <section className="inspector-section">
      <Button size="sm" data-testid="collapse-node" disabled={!check.ok} title={t('contextMenu.collapseTitle')} onClick={() => store.getState().collapseOpened(from)}>
        {t('contextMenu.collapse', { block: from })}
      </Button>
      {!check.ok && (
        <p className="muted" data-testid="collapse-node-reason">
          {t('contextMenu.cannotCollapse', { reason: check.reason })}
        </p>
      )}
    </section>
  );
}
