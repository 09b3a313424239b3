/**
 * Wires the edit commands to the keyboard (in a browser) and to the native menu (in Electron,
 * whose menu owns the accelerators), and keeps Electron told of the document's title and state.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { useDocumentStore } from '../store/context.tsx';
import { editCommandFor, editCommandFromMenu, type EditCommand, isTextEntry, runEditCommand } from './edit-commands.ts';
import { duplicateSelection } from './clipboard-commands.ts';
import { useArrange } from './use-arrange.ts';

const isMac = () => /mac/i.test(navigator.platform || navigator.userAgent);

export function useEditCommands(): void {
  const store = useDocumentStore();
  const flow = useReactFlow();
  const arrange = useArrange();

  useEffect(() => {
    const run = (command: EditCommand) => {
      if (command === 'tidyUp') void arrange.tidyUp();
      else if (command === 'duplicate') void arrange.placeNew(duplicateSelection(store), { arrange: false, room: 'free' });
      else if (!runEditCommand(store, command)) void flow.fitView({ padding: 0.2, duration: 200 });
    };
    const desktop = window.rnnStudio;
    const mac = isMac();

    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || isTextEntry(e.target) || document.querySelector('dialog[open]')) return;
      const command = editCommandFor(e, mac);
      // Inside Electron the menu's accelerators send these; Delete, Backspace and Duplicate have none there.
      if (!command || (desktop && command !== 'delete' && command !== 'duplicate')) return;
      e.preventDefault();
      run(command);
    };
    window.addEventListener('keydown', onKeyDown);

    const offMenu = desktop?.onMenuCommand((menuCommand) => {
      const command = editCommandFromMenu(menuCommand);
      if (!command) return;
      // A menu shortcut pressed while typing in a field acts on the field's text.
      if (command !== 'fitView' && command !== 'duplicate' && command !== 'tidyUp' && isTextEntry(document.activeElement)) {
        const native = { undo: 'undo', redo: 'redo', delete: 'delete', selectAll: 'selectAll' }[command];
        document.execCommand(native);
        return;
      }
      run(command);
    });

    return () => {
      window.removeEventListener('keydown', onKeyDown);
      offMenu?.();
    };
  }, [store, flow, arrange]);
}
