/** Validates the document through the current engine client while the app is open. */
import { useEffect } from 'react';
import { useDocumentStore } from '../store/context.tsx';
import { useEngine } from './context.tsx';
import { watchDiagnostics } from './live-validation.ts';

export function useLiveValidation(): void {
  const store = useDocumentStore();
  const { client } = useEngine();
  useEffect(() => watchDiagnostics(store, client), [store, client]);
}
