/**
 * Node sizes as the browser drew them (React Flow measures every node, error callouts and all,
 * and where each handle is), so that a layout leaves exactly the room the blocks take.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeSize, PortPlace } from './boxes.ts';

type Flow = Pick<ReactFlowInstance, 'getNodes' | 'getInternalNode'>;

export function measuredSizes(flow: Flow): Map<string, NodeSize> {
  const out = new Map<string, NodeSize>();
  for (const node of flow.getNodes()) {
    const internal = flow.getInternalNode(node.id);
    const { width, height } = internal?.measured ?? {};
    if (!internal || !width || !height) continue;
    const handles = internal.internals.handleBounds;
    const place =
      (side: PortPlace['side']) =>
      (h: { id?: string | null; x: number; y: number; width: number; height: number }): PortPlace => ({ name: h.id ?? '', side, x: h.x + h.width / 2, y: h.y + h.height / 2 });
    out.set(node.id, { width, height, ports: [...(handles?.target ?? []).map(place('in')), ...(handles?.source ?? []).map(place('out'))] });
  }
  return out;
}

/** Resolves once every node in `ids` has been drawn and measured (or after `frames` frames, whichever is first). */
export function whenMeasured(flow: Flow, ids: readonly string[], frames = 120): Promise<void> {
  return new Promise((resolve) => {
    let left = frames;
    const check = () => {
      const done = ids.every((id) => {
        const m = flow.getInternalNode(id)?.measured;
        return !!m?.width && !!m.height;
      });
      if (done || --left <= 0) resolve();
      else requestAnimationFrame(check);
    };
    check();
  });
}
