/**
 * The block palette: the engine's catalog by category, searchable in English and Chinese, with
 * help on hover. A block is dragged onto the canvas with pointer events (a ghost follows the
 * pointer; releasing over the canvas places it there), or added in the middle of the view with a
 * click or Enter.
 */
import { useReactFlow } from '@xyflow/react';
import { type PointerEvent as ReactPointerEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnyBlock } from '../../engine/blocks/types.ts';
import { useDocumentStore } from '../store/context.tsx';
import { SearchIcon } from '../ui/icons.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { paletteGroups } from './block-catalog.ts';
import { BlockHelpCard } from './BlockHelpCard.tsx';
import { measuredSizes } from './layout/measured.ts';
import { freePosition, GRAB_OFFSET } from './place-block.ts';

/** Pointer travel (px) before a press on an item becomes a drag. */
const DRAG_THRESHOLD = 4;

interface Ghost {
  readonly block: AnyBlock;
  readonly x: number;
  readonly y: number;
  readonly overCanvas: boolean;
}

interface Press {
  readonly block: AnyBlock;
  readonly pointerId: number;
  readonly startX: number;
  readonly startY: number;
  dragging: boolean;
}

const canvasAt = (x: number, y: number): boolean => {
  const el = document.elementFromPoint(x, y);
  return !!el?.closest('[data-testid="canvas"]') && !el.closest('.react-flow__minimap, .react-flow__controls');
};

export function Palette() {
  const { t } = useTranslation('editor');
  const language = useLanguage();
  const store = useDocumentStore();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [ghost, setGhost] = useState<Ghost | null>(null);
  const [help, setHelp] = useState<{ block: AnyBlock; top: number; left: number } | null>(null);
  const press = useRef<Press | null>(null);
  /** Set when a press turned into a drag, so the click that follows does not add a second block. */
  const suppressClick = useRef(false);
  const groups = paletteGroups(query);

  const add = (block: AnyBlock, flowPoint: { x: number; y: number }) => {
    store.getState().addNode(block.type, { x: Math.round(flowPoint.x - GRAB_OFFSET.x), y: Math.round(flowPoint.y - GRAB_OFFSET.y) });
  };

  const addAtCentre = (block: AnyBlock) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const centre = canvas ? { x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 } : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
    const s = store.getState();
    s.addNode(block.type, freePosition(s.doc, block.type, flow.screenToFlowPosition(centre), measuredSizes(flow)));
  };

  const onPointerDown = (block: AnyBlock) => (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (e.button !== 0) return;
    press.current = { block, pointerId: e.pointerId, startX: e.clientX, startY: e.clientY, dragging: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLButtonElement>) => {
    const p = press.current;
    if (!p || p.pointerId !== e.pointerId) return;
    if (!p.dragging && Math.hypot(e.clientX - p.startX, e.clientY - p.startY) < DRAG_THRESHOLD) return;
    if (!p.dragging) document.body.classList.add('is-dragging-block');
    p.dragging = true;
    setHelp(null);
    setGhost({ block: p.block, x: e.clientX, y: e.clientY, overCanvas: canvasAt(e.clientX, e.clientY) });
  };

  const endPress = (e: ReactPointerEvent<HTMLButtonElement>, drop: boolean) => {
    const p = press.current;
    if (!p || p.pointerId !== e.pointerId) return;
    press.current = null;
    setGhost(null);
    document.body.classList.remove('is-dragging-block');
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    if (!p.dragging) return;
    // The click that follows this pointerup (same input event) must not add a second block.
    suppressClick.current = true;
    setTimeout(() => (suppressClick.current = false), 0);
    if (drop && canvasAt(e.clientX, e.clientY)) add(p.block, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  const showHelp = (block: AnyBlock, el: HTMLElement) => {
    if (press.current?.dragging) return;
    const rect = el.getBoundingClientRect();
    setHelp({ block, top: rect.top, left: rect.right + 8 });
  };

  return (
    <aside className="palette" aria-label={t('palette.title')}>
      <div className="panel-header">
        <h2>{t('palette.title')}</h2>
      </div>
      <div className="palette-search">
        <SearchIcon />
        <input
          type="search"
          data-testid="palette-search"
          aria-label={t('palette.search')}
          placeholder={t('palette.searchPlaceholder')}
          title={t('palette.searchTitle')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="palette-list" onScroll={() => setHelp(null)}>
        {groups.length === 0 && <p className="palette-empty">{t('palette.noMatch', { query })}</p>}
        {groups.map((g) => (
          <section key={g.category} className="palette-group">
            <h3>{t(`palette.category.${g.category}`)}</h3>
            <ul>
              {g.blocks.map((block) => (
                <li key={block.type}>
                  <button
                    type="button"
                    className={`palette-item category-${block.category}`}
                    data-testid={`palette-item-${block.type}`}
                    aria-label={t('palette.addTo', { block: block.label[language] })}
                    aria-describedby={help?.block === block ? 'palette-help' : undefined}
                    onPointerDown={onPointerDown(block)}
                    onPointerMove={onPointerMove}
                    onPointerUp={(e) => endPress(e, true)}
                    onPointerCancel={(e) => endPress(e, false)}
                    onClick={() => {
                      if (suppressClick.current) {
                        suppressClick.current = false;
                        return;
                      }
                      addAtCentre(block);
                    }}
                    onMouseEnter={(e) => showHelp(block, e.currentTarget)}
                    onMouseLeave={() => setHelp(null)}
                    onFocus={(e) => showHelp(block, e.currentTarget)}
                    onBlur={() => setHelp(null)}
                  >
                    <span className="palette-swatch" aria-hidden="true" />
                    <span className="palette-label">{block.label[language]}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <p className="palette-hint">{t('palette.hint')}</p>
      {help && <BlockHelpCard id="palette-help" block={help.block} top={help.top} left={help.left} />}
      {ghost && (
        <div className={`palette-ghost category-${ghost.block.category}${ghost.overCanvas ? ' over-canvas' : ''}`} style={{ left: ghost.x, top: ghost.y }} aria-hidden="true">
          {ghost.block.label[language]}
        </div>
      )}
    </aside>
  );
}
