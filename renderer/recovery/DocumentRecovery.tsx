/**
 * Backs up the window's document while it has unsaved changes, warns before a browser page with
 * unsaved changes is left, and, once the backups can be read (in a browser: once the engine is
 * connected), offers those left by a reload, crash or kill: Restore or Discard for each.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupSummary } from '../../engine/protocol/messages.ts';
import { useEngine } from '../connection/context.tsx';
import { useDocumentStore } from '../store/context.tsx';
import { Button } from '../ui/Button.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { type BackupFailure, desktopBackupStorage, hostBackupStorage } from './backup-storage.ts';
import { DocumentBackups } from './document-backups.ts';
import './recovery.css';

export function DocumentRecovery() {
  const { t, i18n } = useTranslation('recovery');
  const store = useDocumentStore();
  const { client } = useEngine();
  const toasts = useToasts();
  const clientRef = useRef(client);
  const toastsRef = useRef(toasts);
  const [offers, setOffers] = useState<readonly BackupSummary[]>([]);
  const [busy, setBusy] = useState(false);
  const asked = useRef(false);

  useEffect(() => {
    clientRef.current = client;
    toastsRef.current = toasts;
  }, [client, toasts]);

  // The language may change while this lives: translate when the message is made.
  const [describe] = useState(() => (failure: BackupFailure) => (failure.kind === 'offline' ? i18n.t('offline', { ns: 'recovery' }) : failure.message));

  const [backups] = useState(() => {
    const desktop = globalThis.window?.rnnStudio;
    return new DocumentBackups({
      store,
      storage: desktop ? desktopBackupStorage(desktop) : hostBackupStorage(() => clientRef.current),
      onError: (failure) => toastsRef.current.show({ kind: 'error', message: i18n.t('writeFailed', { ns: 'recovery', message: describe(failure) }) }),
    });
  });

  useEffect(() => {
    backups.start();
    const inBrowser = globalThis.window?.rnnStudio === undefined;
    const leaving = (e: BeforeUnloadEvent) => {
      void backups.flush();
      // Electron asks Save / Don't Save / Cancel itself when a window with changes closes.
      if (inBrowser && store.getState().dirty) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    // In Electron a page goes away only after its changes were saved or the user chose Don't Save;
    // a crash or a kill never gets here, so its backup stays to be offered.
    const closed = () => void backups.closedByChoice();
    window.addEventListener('beforeunload', leaving);
    if (!inBrowser) window.addEventListener('pagehide', closed);
    return () => {
      window.removeEventListener('beforeunload', leaving);
      window.removeEventListener('pagehide', closed);
      backups.dispose();
    };
  }, [backups, store]);

  // Look once, as soon as the backups can be reached.
  const reachable = globalThis.window?.rnnStudio !== undefined || client !== null;
  useEffect(() => {
    if (!reachable || asked.current) return;
    asked.current = true;
    void backups.offers().then((listed) => {
      if (listed.ok) setOffers(listed.value);
      else toastsRef.current.show({ kind: 'error', message: i18n.t('listFailed', { ns: 'recovery', message: describe(listed.failure) }) });
    });
  }, [reachable, backups, describe, i18n]);

  const restore = async (id: string) => {
    setBusy(true);
    const restored = await backups.restore(id);
    setBusy(false);
    if (restored.ok) {
      setOffers([]);
      toasts.show({ kind: 'success', message: t('restored', { name: restored.name }) });
      return;
    }
    const message = restored.failure.kind === 'damaged' ? restored.failure.problem : describe(restored.failure);
    toasts.show({ kind: 'error', message: t('restoreFailed', { message }) });
    if (restored.failure.kind === 'damaged') setOffers((list) => list.map((b) => (b.id === id ? { id, state: 'damaged', problem: message, savedAt: b.savedAt, bytes: b.bytes } : b)));
  };

  const discard = async (id: string) => {
    setBusy(true);
    const removed = await backups.discard(id);
    setBusy(false);
    if (removed.ok) setOffers((list) => list.filter((b) => b.id !== id));
    else toasts.show({ kind: 'error', message: t('discardFailed', { message: describe(removed.failure) }) });
  };

  const when = (ms: number) => new Intl.DateTimeFormat(i18n.language === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));

  return (
    <Dialog
      open={offers.length > 0}
      testId="recovery-dialog"
      title={t('title')}
      width={560}
      onClose={() => setOffers([])}
      footer={
        <Button data-testid="recovery-later" title={t('laterHint')} onClick={() => setOffers([])}>
          {t('later')}
        </Button>
      }
    >
      <p>{t(offers.length === 1 ? 'introOne' : 'introMany')}</p>
      <ul className="recovery-list">
        {offers.map((b) => (
          <li key={b.id} className="recovery-item" data-testid="recovery-item" data-backup={b.id} data-state={b.state}>
            <div className="recovery-text">
              <strong>{b.state === 'ok' ? b.name : t('damagedName')}</strong>
              {b.state === 'ok' ? <span>{b.path === null ? t('neverSaved') : t('from', { path: b.path })}</span> : <span className="recovery-problem">{t('damaged', { problem: b.problem })}</span>}
              {b.savedAt > 0 && <span data-testid="recovery-when">{t('backedUp', { when: when(b.savedAt) })}</span>}
            </div>
            <div className="recovery-actions">
              <Button variant="ghost" disabled={busy} data-testid="recovery-discard" onClick={() => void discard(b.id)}>
                {t('discard')}
              </Button>
              {b.state === 'ok' && (
                <Button variant="primary" disabled={busy} data-testid="recovery-restore" onClick={() => void restore(b.id)}>
                  {t('restore')}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
