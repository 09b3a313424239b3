/**
 * The bottom area: a tab per registered bottom panel, in their order. Panels stay mounted while
 * hidden, so a chart or an unrolled view keeps its state when the user looks at another tab.
 * Which tab is open, and whether the area is collapsed, is the app store's.
 */
import { type KeyboardEvent, type PointerEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { isHighlighted } from './app-store.ts';
import { useApp, useAppStore, usePanels } from './context.tsx';
import type { PanelContribution, PanelId } from './panel-registry.ts';

const HEIGHT_KEY = 'rnn-studio.bottom-panel-height';
const MIN_HEIGHT = 160;
/** The canvas keeps at least this much of the window. */
const CANVAS_RESERVE = 220;

const clampHeight = (h: number) => Math.round(Math.max(MIN_HEIGHT, Math.min(h, window.innerHeight - CANVAS_RESERVE)));

function storedHeight(): number {
  const stored = Number(globalThis.localStorage?.getItem(HEIGHT_KEY));
  return clampHeight(Number.isFinite(stored) && stored > 0 ? stored : Math.max(340, window.innerHeight * 0.4));
}

/** A panel's tab: its icon, its title (with its count, when it has one), and a dot while the count is above zero. */
function TabLabel({ panel }: { panel: PanelContribution<PanelId> }) {
  const { t } = useTranslation();
  const counted = panel.useCount?.() ?? null;
  const count = counted !== null && counted.count > 0 ? counted : null;
  const Icon = panel.icon;
  return (
    <>
      <Icon />
      {count && panel.titleWithCount ? t(panel.titleWithCount.key, { ns: panel.titleWithCount.ns, count: count.count }) : t(panel.title.key, { ns: panel.title.ns })}
      {count && <span className={`tab-badge${count.alert ? ' has-errors' : ''}`} aria-hidden="true" />}
    </>
  );
}

export function BottomPanel() {
  const { t } = useTranslation('app');
  const panels = usePanels().inArea('bottom');
  const appStore = useAppStore();
  const tab = useApp((s) => s.areas.bottom.active);
  const collapsed = useApp((s) => s.areas.bottom.collapsed);
  const highlights = useApp((s) => s.highlights);
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
  const choose = (next: PanelId) => appStore.getState().openPanel(next);
  const setCollapsed = (next: boolean) => appStore.getState().setCollapsed('bottom', next);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const at = panels.findIndex((p) => p.id === tab);
    const next = panels[(at + step + panels.length) % panels.length].id;
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
          {panels.map((panel) => (
            <button
              key={panel.id}
              id={`tab-${panel.id}`}
              type="button"
              role="tab"
              data-testid={`tab-${panel.id}`}
              aria-selected={tab === panel.id}
              aria-controls={`panel-${panel.id}`}
              tabIndex={tab === panel.id ? 0 : -1}
              className={`tab${tab === panel.id ? ' is-active' : ''}${isHighlighted(highlights, { kind: 'panel', panel: panel.id }) ? ' is-highlighted' : ''}`}
              onClick={() => choose(panel.id)}
            >
              <TabLabel panel={panel} />
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
      {panels.map((panel) => (
        <div key={panel.id} id={`panel-${panel.id}`} role="tabpanel" aria-labelledby={`tab-${panel.id}`} className="tab-panel" hidden={collapsed || tab !== panel.id}>
          {panel.render()}
        </div>
      ))}
    </section>
  );
}
