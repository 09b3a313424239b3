/** The panels and the app store, provided through React context and read through selectors. */
import { createContext, type ReactNode, useContext, useState } from 'react';
import { useStore } from 'zustand';
import { type AppState, type AppStore, createAppStore } from './app-store.ts';
import type { PanelRegistry } from './panel-registry.ts';

interface Shell {
  readonly panels: PanelRegistry;
  readonly store: AppStore;
}

const ShellContext = createContext<Shell | null>(null);

export function ShellProvider(props: { panels: PanelRegistry; store?: AppStore; children: ReactNode }) {
  const [shell] = useState<Shell>(() => ({ panels: props.panels, store: props.store ?? createAppStore(props.panels) }));
  return <ShellContext.Provider value={shell}>{props.children}</ShellContext.Provider>;
}

function useShell(): Shell {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error('no <ShellProvider> above this component');
  return shell;
}

export const usePanels = (): PanelRegistry => useShell().panels;

/** The store itself, for actions in event handlers. */
export const useAppStore = (): AppStore => useShell().store;

/** A slice of the UI state; re-renders when it changes. The selector must return a stable value. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useShell().store, selector);
}
