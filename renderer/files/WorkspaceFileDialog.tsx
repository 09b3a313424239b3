/**
 * The browser's Open and Save As dialog over the engine host's workspace folder. Open: a click on
 * a file opens it. Save As: a name field (checked as the user types) and the existing files,
 * a click on one of which takes its name.
 */
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileEntry } from '../../engine/protocol/index.ts';
import { Button } from '../ui/Button.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import type { WorkspaceListing } from './browser-file-service.ts';
import { fileNameProblem, GRAPH_EXTENSION, withGraphExtension } from './file-names.ts';
import { useInitialFocus } from './initial-focus.ts';

export interface WorkspaceFileDialogProps {
  readonly mode: 'open' | 'save';
  readonly listing: WorkspaceListing;
  /** The name first offered in Save As. */
  readonly suggested?: string;
  readonly onAnswer: (name: string | null) => void;
}

export function WorkspaceFileDialog({ mode, listing, suggested = '', onAnswer }: WorkspaceFileDialogProps) {
  const { t } = useTranslation('files');
  const [name, setName] = useState(suggested);
  const [tried, setTried] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const formId = useId();
  const problemId = useId();
  const problem = fileNameProblem(name);
  // Save As starts in the name field with the part before the extension selected, as native
  // save dialogs do; Open starts on the newest file.
  useInitialFocus(mode === 'save' ? 'file-name' : 'file-entry', (element) => {
    if (!(element instanceof HTMLInputElement)) return;
    const value = element.value;
    element.setSelectionRange(0, value.endsWith(GRAPH_EXTENSION) ? value.length - GRAPH_EXTENSION.length : value.length);
  });
  const shownProblem = problem !== null && (tried || name !== '') ? t(`name.${problem}`) : null;

  const entries = (
    <FileList
      files={listing.files}
      current={mode === 'save' ? name : null}
      onPick={(picked) => {
        if (mode === 'open') return onAnswer(picked);
        setName(picked);
        input.current?.focus();
      }}
    />
  );

  return (
    <Dialog
      open
      testId="file-dialog"
      title={t(mode === 'open' ? 'dialog.openTitle' : 'dialog.saveTitle')}
      onClose={() => onAnswer(null)}
      width={560}
      footer={
        <>
          <Button variant="ghost" data-testid="file-dialog-cancel" onClick={() => onAnswer(null)}>
            {t('dialog.cancel')}
          </Button>
          {mode === 'save' && (
            <Button variant="primary" type="submit" form={formId} data-testid="file-dialog-confirm">
              {t('dialog.save')}
            </Button>
          )}
        </>
      }
    >
      <p className="files-workspace" title={listing.workspace}>
        {t('dialog.workspace', { path: listing.workspace })}
      </p>
      {mode === 'save' && (
        <form
          id={formId}
          className="files-name-form"
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            if (problem === null) onAnswer(name.trim());
          }}
        >
          <label className="files-name-label">
            {t('dialog.name')}
            <input
              ref={input}
              className="files-name-input"
              data-testid="file-name"
              value={name}
              spellCheck={false}
              aria-invalid={shownProblem !== null}
              aria-describedby={shownProblem ? problemId : undefined}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          {shownProblem && (
            <p id={problemId} className="files-field-error" role="alert">
              {shownProblem}
            </p>
          )}
          {problem === null && withGraphExtension(name) !== name.trim() && <p className="files-hint">{t('dialog.willSave', { name: withGraphExtension(name) })}</p>}
        </form>
      )}
      {entries}
    </Dialog>
  );
}

function FileList({ files, current, onPick }: { files: readonly FileEntry[]; current: string | null; onPick: (name: string) => void }) {
  const { t, i18n } = useTranslation('files');
  if (files.length === 0) return <p className="files-empty">{t('dialog.empty')}</p>;
  const date = new Intl.DateTimeFormat(i18n.language === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="files-list" role="list">
      {files.map((f) => (
        <li key={f.name}>
          <button
            type="button"
            className={`files-entry${current === f.name ? ' files-entry-current' : ''}`}
            data-testid="file-entry"
            data-name={f.name}
            onClick={() => onPick(f.name)}
          >
            <span className="files-entry-name">{f.name}</span>
            <span className="files-entry-meta">
              {t('dialog.modified', { date: date.format(f.modified) })} · {formatSize(f.size)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
