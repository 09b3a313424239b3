/**
 * The bottom tabs: Training, Unrolled, Problems. Panels stay mounted while hidden, so a chart or
 * an unrolled view keeps its state when the user looks at another tab.
 */
import { type KeyboardEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TrainingPanel } from '../training/TrainingPanel.tsx';
import { UnrolledView } from '../unrolled/UnrolledView.tsx';
import { useDocument } from '../store/context.tsx';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { ProblemsList } from './ProblemsList.tsx';

const TABS = ['training', 'unrolled', 'problems'] as const;
type Tab = (typeof TABS)[number];

export function BottomPanel() {
  const { t } = useTranslation('app');
  const [tab, setTab] = useState<Tab>('training');
  const [collapsed, setCollapsed] = useState(false);
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
    <section className={`bottom-panel${collapsed ? ' is-collapsed' : ''}`}>
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
