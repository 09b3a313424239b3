/** The document store provided through React context and read through selectors. */
import { createContext, type ReactNode, useContext, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { createDocumentStore, type DocumentState } from './document-store.ts';

const DocumentStoreContext = createContext<StoreApi<DocumentState> | null>(null);

export function DocumentStoreProvider(props: { store?: StoreApi<DocumentState>; initial?: GraphDocument; children: ReactNode }) {
  const [store] = useState(() => props.store ?? createDocumentStore(props.initial));
  return <DocumentStoreContext.Provider value={store}>{props.children}</DocumentStoreContext.Provider>;
}

/** The store itself, for imperative reads and actions in event handlers. */
export function useDocumentStore(): StoreApi<DocumentState> {
  const store = useContext(DocumentStoreContext);
  if (!store) throw new Error('useDocumentStore: no <DocumentStoreProvider> above this component');
  return store;
}

/**
 * A slice of the document state; re-renders when it changes. A selector that builds a new object
 * or array each time must pass `equal` (e.g. `shallowEqual`), or React would re-render forever.
 */
export function useDocument<T>(selector: (s: DocumentState) => T, equal?: (a: T, b: T) => boolean): T {
  const store = useDocumentStore();
  const last = useRef<{ value: T } | null>(null);
  return useStore(store, (s) => {
    const value = selector(s);
    if (equal && last.current && equal(last.current.value, value)) return last.current.value;
    last.current = { value };
    return value;
  });
}

/** Equality of arrays or plain objects by their items / own values. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
