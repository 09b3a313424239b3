/**
 * React's view of the run store, at most once per animation frame: the host sends a few batches
 * of points a second and an event per epoch (hundreds a second on a tiny model), and the panel
 * needs to show the latest, not every one.
 *
 * `useRun` shows the open document's run only (`shownRun`): a run of another document reads as no
 * run. `useStoredRun` reads the store as it is, whichever document its run belongs to.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { useRunSession } from './run-session-context.tsx';
import { type RunState, shownRun } from './run-store.ts';

/** `selector` must return a value that stays the same (===) while the state does not change. */
export function useRun<T>(selector: (s: RunState) => T): T {
  return useStoredRun((s) => selector(shownRun(s)));
}

/** Like `useRun`, but with the store's run whatever document it trained. */
export function useStoredRun<T>(selector: (s: RunState) => T): T {
  const store = useRunSession().store;
  const subscribe = useCallback(
    (notify: () => void) => {
      let frame = 0;
      const unsubscribe = store.subscribe(() => {
        if (frame === 0)
          frame = requestAnimationFrame(() => {
            frame = 0;
            notify();
          });
      });
      return () => {
        unsubscribe();
        if (frame !== 0) cancelAnimationFrame(frame);
      };
    },
    [store],
  );
  return useSyncExternalStore(subscribe, () => selector(store.getState()));
}
