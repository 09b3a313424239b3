/** Diagnostics as a compact list: severity, a title for the code, the engine's message. */
import { useTranslation } from 'react-i18next';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import { ErrorIcon, WarningIcon } from '../ui/icons.tsx';
import { codeTitle } from './type-text.ts';

export function DiagnosticList({ diagnostics }: { diagnostics: readonly Diagnostic[] }) {
  const { t } = useTranslation('editor');
  return (
    <ul className="diagnostic-list">
      {diagnostics.map((d, i) => (
        <li key={`${d.code}-${d.port ?? ''}-${i}`} className={`diagnostic diagnostic-${d.severity}`} data-code={d.code}>
          <span className="diagnostic-icon" aria-label={t(`problems.severity.${d.severity}`)}>
            {d.severity === 'error' ? <ErrorIcon /> : <WarningIcon />}
          </span>
          <div>
            <strong>{codeTitle(t, d.code)}</strong>
            {d.port && <span className="mono muted"> · {d.port}</span>}
            <p>{d.message}</p>
          </div>
        </li>
      ))}
    </ul>
  );
}
