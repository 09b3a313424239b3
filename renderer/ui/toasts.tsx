/**
 * Short notices in the corner: `useToasts().show({ kind, message })`. Errors stay longer than
 * confirmations; the same notice shown again while visible is refreshed rather than stacked.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CloseIcon } from './icons.tsx';

export type ToastKind = 'info' | 'error' | 'success';

export interface ToastInput {
  readonly kind: ToastKind;
  readonly message: string;
}

interface ShownToast extends ToastInput {
  readonly id: number;
  /** Bumped when the same notice is shown again, restarting its timer. */
  readonly shownAt: number;
}

export interface ToastApi {
  show(t: ToastInput): void;
}

const DURATION_MS: Record<ToastKind, number> = { info: 5000, success: 4000, error: 9000 };
const MAX_VISIBLE = 4;

const ToastContext = createContext<ToastApi | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ShownToast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const show = useCallback((t: ToastInput) => {
    setToasts((list) => {
      const same = list.find((x) => x.kind === t.kind && x.message === t.message);
      if (same) return list.map((x) => (x === same ? { ...x, shownAt: Date.now() } : x));
      return [...list, { ...t, id: nextId.current++, shownAt: Date.now() }].slice(-MAX_VISIBLE);
    });
  }, []);

  const api = useMemo<ToastApi>(() => ({ show }), [show]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toast-region" aria-live="polite">
        {toasts.map((t) => (
          <ToastView key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: ShownToast; onDismiss: (id: number) => void }) {
  const { t } = useTranslation('app');
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => onDismiss(toast.id), DURATION_MS[toast.kind]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.kind, toast.shownAt, paused, onDismiss]);
  return (
    <div
      className={`toast toast-${toast.kind}`}
      data-testid="toast"
      data-kind={toast.kind}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
    >
      <span className="toast-mark" aria-hidden="true" />
      <p className="toast-message">{toast.message}</p>
      <button type="button" className="icon-button toast-close" aria-label={t('toast.dismiss')} title={t('toast.dismiss')} onClick={() => onDismiss(toast.id)}>
        <CloseIcon />
      </button>
    </div>
  );
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToasts: no <ToastProvider> above this component');
  return api;
}
