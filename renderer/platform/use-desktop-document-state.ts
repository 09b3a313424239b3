/**
 * Tells Electron main the window's document (for the title bar and the unsaved-changes prompt on
 * close) whenever its name, path or dirty flag changes; in a browser, the tab title shows it.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocument } from '../store/context.tsx';

export function useDocumentState(): void {
  const { t } = useTranslation('app');
  const name = useDocument((s) => s.doc.name);
  const path = useDocument((s) => s.path);
  const dirty = useDocument((s) => s.dirty);
  const appName = t('title');
  const untitled = t('untitled');

  useEffect(() => {
    window.rnnStudio?.setDocumentState({ title: name, path, dirty });
    document.title = `${dirty ? '• ' : ''}${name || untitled} — ${appName}`;
  }, [name, path, dirty, appName, untitled]);
}
