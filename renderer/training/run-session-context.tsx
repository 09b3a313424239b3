/**
 * The window's run session, made by the app root and provided to every component below it, so
 * a run keeps streaming into its store while the Training tab is hidden, and the menu can start
 * or stop it. Tests make their own sessions.
 */
import { createContext, type ReactNode, useContext } from 'react';
import type { RunSession } from './run-session.ts';

const RunSessionContext = createContext<RunSession | null>(null);

export function RunSessionProvider(props: { session: RunSession; children: ReactNode }) {
  return <RunSessionContext.Provider value={props.session}>{props.children}</RunSessionContext.Provider>;
}

export function useRunSession(): RunSession {
  const session = useContext(RunSessionContext);
  if (!session) throw new Error('useRunSession: no <RunSessionProvider> above this component');
  return session;
}
