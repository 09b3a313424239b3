/** The top bar: app and document name, File menu, undo/redo, language, engine status. */
import { useTranslation } from 'react-i18next';
import { FileMenu } from '../files/FileMenu.tsx';
import { type Language, setLanguage } from '../i18n/index.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { Button } from '../ui/Button.tsx';
import { RedoIcon, UndoIcon } from '../ui/icons.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { HostStatus } from './HostStatus.tsx';

const mac = typeof navigator !== 'undefined' && /mac/i.test(navigator.platform || navigator.userAgent);

export function TopBar() {
  const { t } = useTranslation('app');
  const store = useDocumentStore();
  const name = useDocument((s) => s.doc.name);
  const dirty = useDocument((s) => s.dirty);
  const canUndo = useDocument((s) => s.canUndo);
  const canRedo = useDocument((s) => s.canRedo);
  const language = useLanguage();
  const undoKeys = mac ? '⌘Z' : 'Ctrl+Z';
  const redoKeys = mac ? '⌘⇧Z' : 'Ctrl+Y';
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <svg viewBox="0 0 20 20" width="20" height="20">
            <circle cx="5" cy="10" r="3" fill="currentColor" />
            <circle cx="15" cy="10" r="3" fill="currentColor" opacity="0.6" />
            <path d="M8 10h4M15 7c0-4-10-4-10 0" stroke="currentColor" strokeWidth="1.5" fill="none" />
          </svg>
        </span>
        <span className="brand-name">{t('title')}</span>
      </div>
      <div className="document-name" title={name}>
        <span className="document-title">{name || t('untitled')}</span>
        {dirty && <span className="dirty-dot" role="img" aria-label={t('unsavedMark')} title={t('unsavedMark')} />}
      </div>
      <nav className="top-actions">
        <FileMenu />
        <div className="button-group" role="group" aria-label={t('edit.undo')}>
          <Button
            variant="ghost"
            size="sm"
            icon={<UndoIcon />}
            data-testid="undo"
            disabled={!canUndo}
            title={canUndo ? t('edit.undoHint', { shortcut: undoKeys }) : t('edit.nothingToUndo')}
            onClick={() => store.getState().undo()}
          >
            {t('edit.undo')}
          </Button>
          <Button
            variant="ghost"
            size="sm"
            icon={<RedoIcon />}
            data-testid="redo"
            disabled={!canRedo}
            title={canRedo ? t('edit.redoHint', { shortcut: redoKeys }) : t('edit.nothingToRedo')}
            onClick={() => store.getState().redo()}
          >
            {t('edit.redo')}
          </Button>
        </div>
      </nav>
      <div className="top-right">
        <label className="language-select">
          <span className="visually-hidden">{t('language.label')}</span>
          <select data-testid="language-select" aria-label={t('language.label')} value={language} onChange={(e) => void setLanguage(e.target.value as Language)}>
            <option value="en">{t('language.en')}</option>
            <option value="zh">{t('language.zh')}</option>
          </select>
        </label>
        <HostStatus />
      </div>
    </header>
  );
}
