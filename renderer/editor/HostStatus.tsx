/** The engine's state as a small pill in the top bar (`data-state` for tests and styles). */
import { useTranslation } from 'react-i18next';
import { useEngine } from '../connection/context.tsx';
import { statusShown } from './host-status.ts';

export function HostStatus() {
  const { t } = useTranslation('app');
  const engine = useEngine();
  const state = statusShown(engine);
  const label = t(`host.state.${state}`);
  const detail =
    state === 'ready'
      ? engine.host.pid !== null
        ? t('host.detail.ready', { pid: engine.host.pid })
        : t('host.detail.readyNoPid')
      : state === 'disconnected'
        ? t('host.detail.disconnected')
        : state === 'connecting'
          ? t('host.detail.connecting')
          : t('host.detail.other', { state: label }) + (engine.host.message ? ` ${engine.host.message}` : '');
  return (
    <div className={`host-status host-${state}`} data-testid="host-status" data-state={state} title={detail} role="status">
      <span className="host-dot" aria-hidden="true" />
      <span className="host-label">
        {t('host.labelWithState', { label })}
      </span>
    </div>
  );
}
