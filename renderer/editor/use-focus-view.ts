/**
 * Brings into view what the app store is asked to focus (a problem's block or connection, a step
 * of a workshop). A target no longer in the document is left alone.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { useApp } from '../shell/context.tsx';
import { useDocumentStore } from '../store/context.tsx';

export function useFocusView(): void {
  const flow = useReactFlow();
  const store = useDocumentStore();
  const focus = useApp((s) => s.focus);
  useEffect(() => {
    if (!focus) return;
    const { doc } = store.getState();
    const target = focus.target;
    if (target.kind === 'block') {
      if (doc.nodes.some((n) => n.id === target.blockId)) void flow.fitView({ nodes: [{ id: target.blockId }], duration: 250, maxZoom: 1.2, padding: 0.6 });
      return;
    }
    const edge = doc.edges.find((e) => e.id === target.edgeId);
    if (edge) void flow.fitView({ nodes: [{ id: edge.source }, { id: edge.target }], duration: 250, maxZoom: 1.2, padding: 0.4 });
  }, [focus, flow, store]);
}
