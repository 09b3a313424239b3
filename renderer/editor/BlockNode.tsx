/**
 * One block on the canvas: its title and type, a labelled handle per port (inputs left, outputs
 * right, coloured by the kind of value), its main params, and its problems.
 */
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { isHighlighted } from '../shell/app-store.ts';
import { useApp } from '../shell/context.tsx';
import { portKey } from './connection-hints.ts';
import type { BlockFlowNode, PortView } from './flow-model.ts';
import { ConnectionHintsContext } from './hints-context.ts';
import { codeTitle } from './type-text.ts';

const SHOWN_DIAGNOSTICS = 3;

function PortHandle({ nodeId, port, side }: { nodeId: string; port: PortView; side: 'source' | 'target' }) {
  const { t } = useTranslation('editor');
  const hints = useContext(ConnectionHintsContext);
  const highlighted = useApp((s) => isHighlighted(s.highlights, { kind: 'port', blockId: nodeId, port: port.name }));
  let hint = '';
  let reason: string | undefined;
  if (hints) {
    if (hints.start.nodeId === nodeId && hints.start.port === port.name && hints.start.side === side) hint = 'hint-origin';
    else if (hints.start.side === side) hint = 'hint-idle';
    else {
      const verdict = hints.verdicts.get(portKey(nodeId, port.name));
      hint = verdict?.ok ? 'hint-valid' : 'hint-invalid';
      if (verdict && !verdict.ok) reason = t('connect.refused', { reason: verdict.reason });
    }
  }
  const classes = ['port-handle', `kind-${port.kind}`, port.severity ? `port-${port.severity}` : '', hint, highlighted ? 'is-highlighted' : ''].filter(Boolean).join(' ');
  return (
    <div className={`port-row port-${side === 'target' ? 'in' : 'out'}${port.severity ? ` port-row-${port.severity}` : ''}`} title={reason ?? `${port.label} · ${t(`kind.${port.kind}`)}`}>
      <Handle type={side} position={side === 'target' ? Position.Left : Position.Right} id={port.name} className={classes} data-kind={port.kind} />
      <span className="port-label">{port.label}</span>
    </div>
  );
}

function BlockNodeView({ data, selected }: NodeProps<BlockFlowNode>) {
  const { t } = useTranslation('editor');
  const highlighted = useApp((s) => isHighlighted(s.highlights, { kind: 'block', blockId: data.nodeId }));
  const classes = ['block-node', `category-${data.category ?? 'unknown'}`, data.severity ? `has-${data.severity}` : '', selected ? 'is-selected' : '', highlighted ? 'is-highlighted' : '']
    .filter(Boolean)
    .join(' ');
  const shown = data.diagnostics.slice(0, SHOWN_DIAGNOSTICS);
  const value = (v: string | number | boolean) => (typeof v === 'boolean' ? t(v ? 'node.on' : 'node.off') : String(v));
  return (
    <div className={classes} data-severity={data.severity ?? undefined}>
      <header className="block-node-header">
        <span className="block-node-title">{data.title}</span>
        <span className="block-node-type">{data.type}</span>
      </header>
      {(data.inputs.length > 0 || data.outputs.length > 0) && (
        <div className="block-node-ports">
          <div className="port-column">
            {data.inputs.map((p) => (
              <PortHandle key={p.name} nodeId={data.nodeId} port={p} side="target" />
            ))}
          </div>
          <div className="port-column port-column-out">
            {data.outputs.map((p) => (
              <PortHandle key={p.name} nodeId={data.nodeId} port={p} side="source" />
            ))}
          </div>
        </div>
      )}
      {data.summary.length > 0 && (
        <div className="block-node-summary">
          {data.summary.map((e) => (
            <span key={e.key} className="param-chip">
              <span className="param-key">{e.key}</span> {value(e.value)}
            </span>
          ))}
        </div>
      )}
      {shown.length > 0 && (
        <ul className="block-node-diagnostics" aria-label={t('node.diagnostics')}>
          {shown.map((d, i) => (
            <li key={`${d.code}-${i}`} className={`node-diagnostic diagnostic-${d.severity}`} data-testid="node-diagnostic" data-code={d.code} data-severity={d.severity} title={d.message}>
              <span className="node-diagnostic-text">
                <strong>{codeTitle(t, d.code)}</strong> {d.message}
              </span>
            </li>
          ))}
          {data.diagnostics.length > shown.length && <li className="node-diagnostic-more">{t('node.more', { count: data.diagnostics.length - shown.length })}</li>}
        </ul>
      )}
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);
