/**
 * Focuses one control of a dialog once it is open. React's `autoFocus` runs before the dialog's
 * `showModal()`, which then moves focus to the dialog's first control (its close button); this
 * runs after it, since a component's effects run after those of the dialog it renders.
 */
import { useEffect } from 'react';

export function useInitialFocus(testId: string, then?: (element: HTMLElement) => void): void {
  useEffect(() => {
    const element = document.querySelector<HTMLElement>(`dialog[open] [data-testid="${testId}"]`);
    if (!element) return;
    element.focus();
    then?.(element);
    // Only when the dialog first opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [testId]);
}
