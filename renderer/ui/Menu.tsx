/**
 * A drop-down menu button: click or Enter opens it, arrow keys move between items, Escape or a
 * click elsewhere closes it. Items are buttons with role="menuitem".
 */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ChevronDownIcon } from './icons.tsx';

export type MenuEntry =
  | {
      readonly kind: 'item';
      readonly id: string;
      readonly label: string;
      readonly onSelect: () => void;
      readonly disabled?: boolean;
      readonly testId?: string;
      /** Shown at the right, e.g. "Ctrl+S". */
      readonly shortcut?: string;
      readonly title?: string;
    }
  | { readonly kind: 'separator'; readonly id: string }
  | { readonly kind: 'heading'; readonly id: string; readonly label: string };

export interface MenuProps {
  readonly label: ReactNode;
  readonly entries: readonly MenuEntry[];
  readonly testId?: string;
  readonly ariaLabel?: string;
  /** Called when the menu opens (e.g. to refresh a list of recent files). */
  readonly onOpen?: () => void;
  readonly align?: 'start' | 'end';
}

export function Menu({ label, entries, testId, ariaLabel, onOpen, align = 'start' }: MenuProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    list.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not(:disabled)')?.focus();
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const items = () => [...(list.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])];
  const moveFocus = (delta: number) => {
    const all = items();
    if (all.length === 0) return;
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    all[(at + delta + all.length) % all.length].focus();
  };

  const toggle = () => {
    if (!open) onOpen?.();
    setOpen(!open);
  };

  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        className="menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={ariaLabel}
        data-testid={testId}
        onClick={toggle}
      >
        {label}
        <ChevronDownIcon />
      </button>
      {open && (
        <div
          id={menuId}
          ref={list}
          role="menu"
          className={`menu-list menu-align-${align}`}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') moveFocus(1);
            else if (e.key === 'ArrowUp') moveFocus(-1);
            else if (e.key === 'Home') items()[0]?.focus();
            else if (e.key === 'End') items().at(-1)?.focus();
            else if (e.key === 'Escape' || e.key === 'Tab') {
              setOpen(false);
              if (e.key === 'Escape') root.current?.querySelector<HTMLButtonElement>('.menu-button')?.focus();
            } else return;
            e.preventDefault();
          }}
        >
          {entries.map((entry) => {
            switch (entry.kind) {
              case 'separator':
                return <div key={entry.id} role="separator" className="menu-separator" />;
              case 'heading':
                return (
                  <div key={entry.id} className="menu-heading">
                    {entry.label}
                  </div>
                );
              case 'item':
                return (
                  <button
                    key={entry.id}
                    type="button"
                    role="menuitem"
                    className="menu-item"
                    disabled={entry.disabled}
                    data-testid={entry.testId}
                    title={entry.title}
                    onClick={() => {
                      setOpen(false);
                      entry.onSelect();
                    }}
                  >
                    <span className="menu-item-label">{entry.label}</span>
                    {entry.shortcut && <span className="menu-item-shortcut">{entry.shortcut}</span>}
                  </button>
                );
            }
          })}
        </div>
      )}
    </div>
  );
}
