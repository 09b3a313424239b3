/**
 * The bottom tabs: Training, Unrolled, Problems. Panels stay mounted while hidden, so a chart or
 * an unrolled view keeps its state when the user looks at another tab.
 */
import { type KeyboardEvent, type PointerEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TrainingPanel } from '../training/TrainingPanel.tsx';
import { UnrolledView } from '../unrolled/UnrolledView.tsx';
import { useDocument } from '../store/context.tsx';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { ProblemsList } from './ProblemsList.tsx';

const TABS = ['training', 'unrolled', 'problems'] as const;
const HEIGHT_KEY = 'rnn-studio.bottom-panel-height';
const MIN_HEIGHT = 160;
/** The canvas keeps at least this much of the window. */
const CANVAS_RESERVE = 220;

const clampHeight = (h: number) => Math.round(Math.max(MIN_HEIGHT, Math.min(h, window.innerHeight - CANVAS_RESERVE)));

function storedHeight(): number {
  const stored = Number(globalThis.localStorage?.getItem(HEIGHT_KEY));
  return clampHeight(Number.isFinite(stored) && stored > 0 ? stored : Math.max(340, window.innerHeight * 0.4));
}
type Tab = (typeof TABS)[number];

export function BottomPanel() {
  const { t } = useTranslation('app');
  const [tab, setTab] = useState<Tab>('training');
  const [collapsed, setCollapsed] = useState(false);
  const [height, setHeight] = useState(storedHeight);

  const resizeTo = (h: number) => {
    const next = clampHeight(h);
    setHeight(next);
    globalThis.localStorage?.setItem(HEIGHT_KEY, String(next));
  };

  // Dragging the top edge: the pointer is captured, so the drag continues over the canvas.
  const onResizeStart = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const startHeight = height;
    const move = (ev: globalThis.PointerEvent) => resizeTo(startHeight + startY - ev.clientY);
    const end = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  };

  const onResizeKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowUp' ? 24 : e.key === 'ArrowDown' ? -24 : 0;
    if (step === 0) return;
    e.preventDefault();
    resizeTo(height + step);
  };
  const problems = useDocument((s) => s.diagnostics.length);
  const errors = useDocument((s) => s.diagnostics.some((d) => d.severity === 'error'));

  const choose = (next: Tab) => {
    setTab(next);
    setCollapsed(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length];
    choose(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <section className={`bottom-panel${collapsed ? ' is-collapsed' : ''}`} style={collapsed ? undefined : { height }}>
      {!collapsed && (
        <div
          className="bottom-panel-resizer"
          role="separator"
          aria-orientation="horizontal"
          aria-label={t('tabs.resize')}
          aria-valuenow={height}
          aria-valuemin={MIN_HEIGHT}
          tabIndex={0}
          data-testid="bottom-panel-resizer"
          onPointerDown={onResizeStart}
          onKeyDown={onResizeKey}
        />
      )}
      <div className="tab-bar">
        <div role="tablist" aria-label={t('tabs.label')} className="tabs" onKeyDown={onKeyDown}>
          {TABS.map((id) => (
            <button
              key={id}
              id={`tab-${id}`}
              type="button"
              role="tab"
              data-testid={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              className={`tab${tab === id ? ' is-active' : ''}`}
              onClick={() => choose(id)}
            >
              {id === 'problems' && problems > 0 ? t('tabs.problemsCount', { count: problems }) : t(`tabs.${id}`)}
              {id === 'problems' && problems > 0 && <span className={`tab-badge${errors ? ' has-errors' : ''}`} aria-hidden="true" />}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="icon-button collapse-button"
          aria-expanded={!collapsed}
          aria-label={collapsed ? t('tabs.expand') : t('tabs.collapse')}
          title={collapsed ? t('tabs.expand') : t('tabs.collapse')}
          onClick={() => setCollapsed(!collapsed)}
        >
          <ChevronDownIcon />
        </button>
      </div>
      {TABS.map((id) => (
        <div key={id} id={`panel-${id}`} role="tabpanel" aria-labelledby={`tab-${id}`} className="tab-panel" hidden={collapsed || tab !== id}>
          {id === 'training' ? <TrainingPanel /> : id === 'unrolled' ? <UnrolledView /> : <ProblemsList />}
        </div>
      ))}
    </section>
  );
}
