/**
 * Every diagnostic of the graph, errors first. Clicking one selects the block (or connection) it
 * names and brings it into view.
 */
import { useTranslation } from 'react-i18next';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import { useEngine } from '../connection/context.tsx';
import { useAppStore } from '../shell/context.tsx';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { ErrorIcon, WarningIcon } from '../ui/icons.tsx';
import { codeTitle } from './type-text.ts';

const rank = (d: Diagnostic) => (d.severity === 'error' ? 0 : 1);

export function ProblemsList() {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const app = useAppStore();
  const { client } = useEngine();
  const diagnostics = useDocument((s) => s.diagnostics);
  const nodes = useDocument((s) => s.doc.nodes);
  const sorted = [...diagnostics].sort((a, b) => rank(a) - rank(b));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;

  const reveal = (d: Diagnostic) => {
    const s = store.getState();
    const edge = d.edgeId ? s.doc.edges.find((e) => e.id === d.edgeId) : undefined;
    if (d.nodeId && s.doc.nodes.some((n) => n.id === d.nodeId)) {
      s.select([d.nodeId]);
      app.getState().focusOn({ kind: 'block', blockId: d.nodeId });
    } else if (edge) {
      s.select([], [edge.id]);
      app.getState().focusOn({ kind: 'edge', edgeId: edge.id });
    }
  };

  const where = (d: Diagnostic) => {
    if (!d.nodeId) return d.edgeId ?? t('problems.graph');
    const node = nodes.find((n) => n.id === d.nodeId);
    const name = node?.label ? `${node.label} (${d.nodeId})` : d.nodeId;
    return d.port ? `${name} · ${d.port}` : name;
  };

  return (
    <div className="problems">
      <div className="problems-summary muted">
        {t('problems.count', { errors, warnings: diagnostics.length - errors })}
        {!client && <span> · {t('problems.local')}</span>}
      </div>
      {sorted.length === 0 ? (
        <p className="problems-empty">{t('problems.empty')}</p>
      ) : (
        <ul className="problems-list">
          {sorted.map((d, i) => (
            <li key={`${d.code}-${d.nodeId ?? ''}-${d.port ?? ''}-${i}`}>
              <button type="button" className={`problem problem-${d.severity}`} data-testid="problem" data-code={d.code} data-severity={d.severity} data-node={d.nodeId} onClick={() => reveal(d)}>
                <span className="diagnostic-icon" aria-label={t(`problems.severity.${d.severity}`)}>
                  {d.severity === 'error' ? <ErrorIcon /> : <WarningIcon />}
                </span>
                <span className="problem-title">{codeTitle(t, d.code)}</span>
                <span className="problem-where mono">{where(d)}</span>
                <span className="problem-message">{d.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
