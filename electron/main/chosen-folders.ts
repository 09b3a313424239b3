/**
 * The folders the engine host may read dataset files from in the app: those of the graph files
 * the user opened or saved through a native dialog, picked from the recent list or handed to the
 * app by the system, and nothing else (not all of Documents). The running host is told of each
 * new one; a host that is (re)started gets them all as arguments.
 */
import type { ChosenFoldersMessage } from '../../engine/host/chosen-folders.ts';

export class ChosenFolders {
  private readonly folders: string[] = [];

  /** `tell` sends the running host a message on its parent port (nothing when none runs). */
  constructor(private readonly tell: (message: ChosenFoldersMessage) => void) {}

  add(folder: string): void {
    if (this.folders.includes(folder)) return;
    this.folders.push(folder);
    this.tell({ type: 'folders.chosen', folders: [folder] });
  }

  /** The engine host's arguments that open these folders to it. */
  hostArgs(): string[] {
    return this.folders.flatMap((folder) => ['--folder', folder]);
  }
}
