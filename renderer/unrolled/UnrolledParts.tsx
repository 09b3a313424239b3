/**
 * What the unrolled view draws in React Flow: a cell per (block, t) with its IR node counts, the
 * row and column labels, and the two curved edges of time: recurrence (t → t+1, above, z⁻¹) and
 * the gradient flowing back (t+1 → t, below, ∂).
 */
import { BaseEdge, Handle, Position, type EdgeProps, type NodeProps, type NodeTypes, type EdgeTypes } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { HANDLES, type CellNode, type ColumnLabelNode, type RowLabelNode, type UnrolledEdge } from './layout.ts';

/** Handles are where edges attach; they are not for the user to drag from. */
const hidden = { opacity: 0, pointerEvents: 'none' as const, width: 6, height: 6, minWidth: 0, minHeight: 0 };
const upper = { ...hidden, top: '32%' };
const lower = { ...hidden, top: '68%' };

export function UnrolledCell({ data }: NodeProps<CellNode>) {
  const { t } = useTranslation('unrolled');
  const when = data.t === null ? t('cellWhenOutside') : t('cellWhenStep', { t: data.t });
  const block = data.block === '' ? t('graphBlock') : data.block;
  return (
    <div
      className={`unrolled-cell${data.highlighted ? ' unrolled-cell-selected' : ''}${data.t === null ? ' unrolled-cell-outside' : ''}`}
      data-testid="unrolled-cell"
      data-block={data.block}
      data-t={data.t === null ? 'outside' : String(data.t)}
      data-forward={data.forward}
      data-backward={data.backward}
      title={t('cellTitle', { block, when, forward: data.forward, backward: data.backward })}
    >
      <Handle type="target" id={HANDLES.topIn} position={Position.Top} style={hidden} isConnectable={false} />
      <Handle type="source" id={HANDLES.topOut} position={Position.Top} style={hidden} isConnectable={false} />
      <Handle type="target" id={HANDLES.bottomIn} position={Position.Bottom} style={hidden} isConnectable={false} />
      <Handle type="source" id={HANDLES.bottomOut} position={Position.Bottom} style={hidden} isConnectable={false} />
      <Handle type="target" id={HANDLES.leftIn} position={Position.Left} style={upper} isConnectable={false} />
      <Handle type="source" id={HANDLES.rightOut} position={Position.Right} style={upper} isConnectable={false} />
      <Handle type="source" id={HANDLES.leftOut} position={Position.Left} style={lower} isConnectable={false} />
      <Handle type="target" id={HANDLES.rightIn} position={Position.Right} style={lower} isConnectable={false} />
      <span className="unrolled-count unrolled-count-forward">{t('forwardCount', { count: data.forward })}</span>
      {data.showBackward && <span className="unrolled-count unrolled-count-backward">{t('backwardCount', { count: data.backward })}</span>}
    </div>
  );
}

export function RowLabel({ data }: NodeProps<RowLabelNode>) {
  const { t } = useTranslation('unrolled');
  return (
    <div className="unrolled-row-label" data-testid="unrolled-row" data-block={data.block} title={data.block}>
      <span className="unrolled-row-name">{data.block === '' ? t('graphBlock') : data.label}</span>
      {data.block !== '' && data.block !== data.label && <span className="unrolled-row-type">{data.block}</span>}
    </div>
  );
}

export function ColumnLabel({ data }: NodeProps<ColumnLabelNode>) {
  const { t } = useTranslation('unrolled');
  return (
    <div className="unrolled-column-label" title={data.t === null ? t('outsideTimeHelp') : undefined}>
      {data.t === null ? t('outsideTime') : t('step', { t: data.t })}
    </div>
  );
}

/** How far the arcs of time rise above (recurrence) or dip below (gradient) the cells' sides. */
const ARC = 26;

function arc(sourceX: number, sourceY: number, targetX: number, targetY: number, lift: number): { path: string; labelX: number; labelY: number } {
  const reach = Math.max(16, Math.abs(targetX - sourceX) / 3);
  const dir = targetX >= sourceX ? 1 : -1;
  const c1x = sourceX + dir * reach;
  const c2x = targetX - dir * reach;
  const path = `M ${sourceX},${sourceY} C ${c1x},${sourceY + lift} ${c2x},${targetY + lift} ${targetX},${targetY}`;
  // The midpoint of a cubic Bézier at t = ½.
  return { path, labelX: (sourceX + 3 * c1x + 3 * c2x + targetX) / 8, labelY: (sourceY + targetY) / 2 + (3 * lift) / 4 };
}

/** A labelled arc between two cells: above the row for the forward carry, below for the gradient. */
function arcEdge(lift: number, labelKey: 'recurrentLabel' | 'gradientLabel', colour: string) {
  return function ArcEdge({ id, sourceX, sourceY, targetX, targetY, markerEnd, style }: EdgeProps<UnrolledEdge>) {
    const { t } = useTranslation('unrolled');
    const { path, labelX, labelY } = arc(sourceX, sourceY, targetX, targetY, lift);
    return (
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        style={style}
        label={t(labelKey)}
        labelX={labelX}
        labelY={labelY}
        labelShowBg
        labelBgPadding={[3, 1]}
        labelBgBorderRadius={3}
        labelStyle={{ fill: colour, fontWeight: 600, fontSize: 12 }}
      />
    );
  };
}

export const RecurrentEdge = arcEdge(-ARC, 'recurrentLabel', 'var(--unrolled-recurrent, #7048e8)');
export const GradientEdge = arcEdge(ARC, 'gradientLabel', 'var(--unrolled-gradient, #e03131)');

export const nodeTypes: NodeTypes = { cell: UnrolledCell, rowLabel: RowLabel, columnLabel: ColumnLabel };
export const edgeTypes: EdgeTypes = { recurrent: RecurrentEdge, gradient: GradientEdge };
