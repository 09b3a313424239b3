/**
 * A banner over the canvas while the engine is down ("…restarting… Your graph is safe."), turning
 * into a short confirmation when it is back. It only reports: the document is never touched.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine } from '../connection/context.tsx';
import { BACK_BANNER_MS, type Banner, type ConnectionHelp, connectionHelp, nextBanner } from './host-status.ts';

export function HostBanner() {
  const { t } = useTranslation('app');
  const engine = useEngine();
  const [banner, setBanner] = useState<Banner>(null);
  const [help, setHelp] = useState<ConnectionHelp>(null);
  const everConnected = useRef(false);

  useEffect(() => {
    if (engine.connection === 'open') everConnected.current = true;
    setBanner((current) => nextBanner(current, engine, everConnected.current));
    // Kept through the reconnect attempts that follow, until a connection opens.
    setHelp((current) => (engine.connection === 'open' ? null : (connectionHelp(engine, everConnected.current, window.location) ?? current)));
  }, [engine]);

  useEffect(() => {
    if (banner?.kind !== 'back') return;
    const timer = setTimeout(() => setBanner((b) => (b?.kind === 'back' ? null : b)), BACK_BANNER_MS);
    return () => clearTimeout(timer);
  }, [banner]);

  if (!banner && help) {
    return (
      <div className="host-banner host-banner-token" data-testid="host-banner" data-kind={help} role="alert">
        <span className="host-banner-dot" aria-hidden="true" />
        <span>{t(help === 'token-missing' ? 'banner.tokenMissing' : 'banner.tokenRefused')}</span>
      </div>
    );
  }
  if (!banner) return null;
  const text =
    banner.kind === 'down' ? (banner.reason ? t('banner.down', { reason: banner.reason }) : t('banner.downNoReason')) : banner.kind === 'lost' ? t('banner.lost') : t('banner.back');
  return (
    <div className={`host-banner host-banner-${banner.kind}`} data-testid="host-banner" data-kind={banner.kind} role={banner.kind === 'back' ? 'status' : 'alert'}>
      <span className="host-banner-dot" aria-hidden="true" />
      <span>{text}</span>
      {banner.kind === 'back' && (
        <button type="button" className="link-button" onClick={() => setBanner(null)}>
          {t('banner.dismiss')}
        </button>
      )}
    </div>
  );
}
