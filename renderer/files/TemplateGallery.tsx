/** The template gallery: the host's shipped templates with their names and descriptions. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { TemplateInfo } from '../../engine/protocol/index.ts';
import { Button } from '../ui/Button.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { failureMessage } from './file-actions.ts';
import { listTemplates } from './templates.ts';

type Listing = { readonly state: 'loading' } | { readonly state: 'ready'; readonly templates: readonly TemplateInfo[] } | { readonly state: 'failed'; readonly message: string };

export interface TemplateGalleryProps {
  readonly client: EngineClient | null;
  readonly onAnswer: (template: TemplateInfo | null) => void;
}

export function TemplateGallery({ client, onAnswer }: TemplateGalleryProps) {
  const { t } = useTranslation('files');
  const [listing, setListing] = useState<Listing>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    // A new connection (the host restarted) lists again.
    void listTemplates(client).then((outcome) => {
      if (!live) return;
      setListing(outcome.ok ? { state: 'ready', templates: outcome.value } : { state: 'failed', message: failureMessage((k, o) => t(k, o), outcome.failure, 'template') });
    });
    return () => {
      live = false;
    };
  }, [client, t]);

  return (
    <Dialog
      open
      testId="template-gallery"
      title={t('templates.title')}
      onClose={() => onAnswer(null)}
      width={640}
      footer={
        <Button variant="ghost" onClick={() => onAnswer(null)}>
          {t('templates.close')}
        </Button>
      }
    >
      <p className="files-intro">{t('templates.intro')}</p>
      {listing.state === 'loading' && <p className="files-empty">{t('templates.loading')}</p>}
      {listing.state === 'failed' && (
        <p className="files-field-error" role="alert">
          {listing.message}
        </p>
      )}
      {listing.state === 'ready' && listing.templates.length === 0 && <p className="files-empty">{t('templates.empty')}</p>}
      {listing.state === 'ready' && listing.templates.length > 0 && (
        <ul className="files-templates" role="list">
          {listing.templates.map((template) => (
            <li key={template.id}>
              <button type="button" className="files-template" data-testid={`template-${template.id}`} onClick={() => onAnswer(template)}>
                <span className="files-template-name">{template.name}</span>
                <span className="files-template-description">{template.description}</span>
                <span className="files-template-file">{template.file}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
