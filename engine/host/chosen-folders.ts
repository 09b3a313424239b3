/**
 * The message Electron's main process sends the engine host on its parent port when the user
 * opens or saves a graph in a folder through a native dialog: dataset files may then be read from
 * that folder too. Only the parent port is listened to for it; a page cannot widen what the host
 * reads.
 */
import { z } from 'zod';

export const ChosenFoldersMessage = z.strictObject({
  type: z.literal('folders.chosen'),
  folders: z.array(z.string().min(1)),
});
export type ChosenFoldersMessage = z.infer<typeof ChosenFoldersMessage>;
