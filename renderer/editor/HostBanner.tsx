/**
 * A banner over the canvas while the engine is down ("…restarting… Your graph is safe."), turning
 * into a short confirmation when it is back. It only reports: the document is never touched.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine } from '../connection/context.tsx';
import { BACK_BANNER_MS, type Banner, nextBanner } from './host-status.ts';

export function HostBanner() {
  const { t } = useTranslation('app');
  const engine = useEngine();
  const [banner, setBanner] = useState<Banner>(null);
  const everConnected = useRef(false);

  useEffect(() => {
    if (engine.connection === 'open') everConnected.current = true;
    setBanner((current) => nextBanner(current, engine, everConnected.current));
  }, [engine]);

  useEffect(() => {
    if (banner?.kind !== 'back') return;
    const timer = setTimeout(() => setBanner((b) => (b?.kind === 'back' ? null : b)), BACK_BANNER_MS);
    return () => clearTimeout(timer);
  }, [banner]);

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
