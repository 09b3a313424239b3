/** The File menu's small dialogs: unsaved changes, a run still training, replacing a file, and a file that did not parse. */
import { useTranslation } from 'react-i18next';
import type { DocumentError } from '../../engine/graph/document.ts';
import { Button } from '../ui/Button.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { showDocumentErrors } from './document-text.ts';
import { useInitialFocus } from './initial-focus.ts';
import type { TrainingChoice } from './training-on-switch.ts';
import type { UnsavedChoice } from './unsaved-changes.ts';

export function UnsavedChangesDialog({ name, onAnswer }: { name: string; onAnswer: (choice: UnsavedChoice) => void }) {
  const { t } = useTranslation('files');
  useInitialFocus('unsaved-save');
  return (
    <Dialog
      open
      testId="unsaved-dialog"
      title={t('unsaved.title', { name })}
      onClose={() => onAnswer('cancel')}
      footer={
        <>
          <Button variant="ghost" data-testid="unsaved-discard" onClick={() => onAnswer('discard')}>
            {t('unsaved.discard')}
          </Button>
          <Button data-testid="unsaved-cancel" onClick={() => onAnswer('cancel')}>
            {t('unsaved.cancel')}
          </Button>
          <Button variant="primary" data-testid="unsaved-save" onClick={() => onAnswer('save')}>
            {t('unsaved.save')}
          </Button>
        </>
      }
    >
      <p>{t('unsaved.body')}</p>
    </Dialog>
  );
}

export function TrainingDialog({ name, onAnswer }: { name: string; onAnswer: (choice: TrainingChoice) => void }) {
  const { t } = useTranslation('files');
  useInitialFocus('training-keep');
  return (
    <Dialog
      open
      testId="training-dialog"
      title={t('training.title', { name })}
      onClose={() => onAnswer('cancel')}
      footer={
        <>
          <Button data-testid="training-cancel" onClick={() => onAnswer('cancel')}>
            {t('training.cancel')}
          </Button>
          <Button variant="danger" data-testid="training-stop" onClick={() => onAnswer('stop')}>
            {t('training.stop')}
          </Button>
          <Button variant="primary" data-testid="training-keep" onClick={() => onAnswer('keep')}>
            {t('training.keep')}
          </Button>
        </>
      }
    >
      <p>{t('training.body')}</p>
    </Dialog>
  );
}

export function OverwriteDialog({ name, onAnswer }: { name: string; onAnswer: (replace: boolean) => void }) {
  const { t } = useTranslation('files');
  useInitialFocus('overwrite-cancel');
  return (
    <Dialog
      open
      testId="overwrite-dialog"
      title={t('overwrite.title', { name })}
      onClose={() => onAnswer(false)}
      footer={
        <>
          <Button data-testid="overwrite-cancel" onClick={() => onAnswer(false)}>
            {t('overwrite.cancel')}
          </Button>
          <Button variant="danger" data-testid="overwrite-confirm" onClick={() => onAnswer(true)}>
            {t('overwrite.confirm')}
          </Button>
        </>
      }
    >
      <p>{t('overwrite.body')}</p>
    </Dialog>
  );
}

export function DocumentErrorsDialog({ source, errors, onClose }: { source: string; errors: readonly DocumentError[]; onClose: () => void }) {
  const { t } = useTranslation('files');
  const { shown, more } = showDocumentErrors(errors);
  useInitialFocus('file-errors-close');
  return (
    <Dialog
      open
      testId="file-errors"
      title={t('errors.title', { source })}
      onClose={onClose}
      width={640}
      footer={
        <Button variant="primary" data-testid="file-errors-close" onClick={onClose}>
          {t('errors.close')}
        </Button>
      }
    >
      <p>{t('errors.body')}</p>
      <ul className="files-errors" role="list">
        {shown.map((e, i) => (
          <li key={i} data-testid="file-error">
            <code className="files-error-path">{e.where || t('errors.document')}</code>
            <span className="files-error-message">{e.what}</span>
          </li>
        ))}
      </ul>
      {more > 0 && <p className="files-more">{t('errors.more', { count: more })}</p>}
    </Dialog>
  );
}
