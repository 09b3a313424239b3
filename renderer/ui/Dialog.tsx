/**
 * A modal dialog on the native <dialog> element (focus is kept inside, Escape closes). The
 * caller owns `open`; Escape, the close button and a click on the backdrop call `onClose`.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CloseIcon } from './icons.tsx';

export interface DialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** Buttons along the bottom edge. */
  readonly footer?: ReactNode;
  readonly testId?: string;
  readonly width?: number;
}

export function Dialog({ open, title, onClose, children, footer, testId, width = 480 }: DialogProps) {
  const { t } = useTranslation('app');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      style={{ width }}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        // Escape: the caller decides whether it closes.
        e.preventDefault();
        onClose();
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="dialog-frame">
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-button" aria-label={t('dialog.close')} title={t('dialog.close')} onClick={onClose}>
              <CloseIcon />
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}
