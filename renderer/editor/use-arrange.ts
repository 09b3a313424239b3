/**
 * The editor's layout commands, with the sizes the browser drew: Tidy up, Open as primitives
 * (the cell laid out, its neighbours pushed aside) and room for blocks just added (a paste).
 * Layout runs in ELK's worker; a document that changed meanwhile is not moved under the user.
 */
import { useReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { useDocumentStore } from '../store/context.tsx';
import type { ExpandResult } from '../store/document-store.ts';
import { useToasts } from '../ui/toasts.tsx';
import type { BlockFlowEdge, BlockFlowNode } from './flow-model.ts';
import { type PlaceOptions, placeNewBlocks, tidyUp } from './layout/arrange.ts';
import { appElk } from './layout/elk-client.ts';
import { measuredSizes, whenMeasured } from './layout/measured.ts';

export interface Arranger {
  /** Tidy up: the selected blocks (two or more) among the rest, or else the whole graph. */
  tidyUp(): Promise<void>;
  /** Opens a block as primitives, then lays its cell out and pushes the neighbours aside. */
  openAsPrimitives(nodeId: string): ExpandResult;
  /**
   * Gives blocks just added to the document (a paste) their place: laid out among themselves and
   * clear of the others (see PlaceOptions). Call it right after the store action that added them;
   * the move joins that action's undo step.
   */
  placeNew(ids: readonly string[], options?: Pick<PlaceOptions, 'arrange' | 'room'>): Promise<void>;
  /**
   * Lays out the blocks of a document just opened that share one spot with another block (a
   * file that left their positions out), as part of opening it.
   */
  placeStacked(): Promise<void>;
}

const FIT_VIEW = { padding: 0.08, maxZoom: 1, duration: 200 };

export function useArrange(): Arranger {
  const store = useDocumentStore();
  const flow = useReactFlow<BlockFlowNode, BlockFlowEdge>();
  const toasts = useToasts();
  const { t } = useTranslation('editor');

  return useMemo(() => {
    const failed = (e: unknown) => toasts.show({ kind: 'error', message: t('layout.failed', { message: e instanceof Error ? e.message : String(e) }) });

    /** Places `ids` once drawn, if `made` (the document that added them) is still the one open. */
    const place = async (ids: readonly string[], made: GraphDocument, options: Pick<PlaceOptions, 'arrange' | 'room'>) => {
      await whenMeasured(flow, ids);
      if (store.getState().doc !== made) return;
      const positions = await placeNewBlocks(made, ids, { ...options, sizes: measuredSizes(flow), elk: appElk() });
      store.getState().arrangeNodes(positions, made);
    };
    // After the canvas has drawn the new positions.
    const fitLater = () => setTimeout(() => void flow.fitView(FIT_VIEW), 60);

    return {
      async tidyUp() {
        const { doc, selection } = store.getState();
        if (doc.nodes.length === 0) return;
        try {
          const positions = await tidyUp(doc, selection.nodes, { sizes: measuredSizes(flow), elk: appElk() });
          // Blocks dragged while the layout ran stay where the user put them.
          if (store.getState().doc !== doc) return;
          store.getState().arrangeNodes(positions);
          if (selection.nodes.length < 2) fitLater();
        } catch (e) {
          failed(e);
        }
      },

      openAsPrimitives(nodeId) {
        const result = store.getState().expandNode(nodeId);
        if (result.ok)
          place(result.nodes, store.getState().doc, {})
            .then(fitLater)
            .catch(failed);
        return result;
      },

      async placeStacked() {
        const loaded = store.getState().doc;
        const spots = new Map<string, string[]>();
        for (const n of loaded.nodes) {
          const spot = `${n.position.x},${n.position.y}`;
          spots.set(spot, [...(spots.get(spot) ?? []), n.id]);
        }
        const stacked = [...spots.values()].filter((ids) => ids.length > 1).flat();
        if (stacked.length === 0) return;
        try {
          await whenMeasured(flow, stacked);
          if (store.getState().doc !== loaded) return;
          const options = { sizes: measuredSizes(flow), elk: appElk() };
          const positions = stacked.length === loaded.nodes.length ? await tidyUp(loaded, [], options) : await placeNewBlocks(loaded, stacked, options);
          store.getState().settleLoaded(positions, loaded);
          fitLater();
        } catch (e) {
          failed(e);
        }
      },

      async placeNew(ids, options = {}) {
        try {
          await place(ids, store.getState().doc, options);
        } catch (e) {
          failed(e);
        }
      },
    } satisfies Arranger;
  }, [store, flow, toasts, t]);
}
