/**
 * The question every route that replaces the document asks when the open document's run is still
 * training: stop it, keep it training in the background (it shows again when its graph is
 * reopened), or keep the document open.
 */
import type { RunSession } from '../training/run-session.ts';
import { trainsOpenDocument } from '../training/run-store.ts';

export type TrainingChoice = 'stop' | 'keep' | 'cancel';

export interface TrainingOnSwitch {
  /** Whether the open document's run is training (or starting, or paused). */
  training(): boolean;
  /** Asks "Stop training / Keep training in the background / Cancel" about the graph `name`. */
  ask(name: string): Promise<TrainingChoice>;
  /** Stops the run; a failure is reported, not thrown (the document is replaced all the same). */
  stop(): Promise<void>;
}

/** The question put to the window's run session. */
export function trainingOnSwitchFor(session: RunSession, ask: (name: string) => Promise<TrainingChoice>, stopFailed: (message: string) => void): TrainingOnSwitch {
  return {
    training: () => trainsOpenDocument(session.store.getState()),
    ask,
    async stop() {
      const reply = await session.stop();
      if (!reply.ok) stopFailed(reply.error.message);
    },
  };
}
