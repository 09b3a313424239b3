/**
 * The question every route that replaces the document asks first (new, open, recent, import,
 * template), and the decision that follows from the answer.
 */

export type UnsavedChoice = 'save' | 'discard' | 'cancel';

export interface UnsavedChangesDeps {
  readonly dirty: boolean;
  /** Asks "Save / Don't save / Cancel". */
  readonly ask: () => Promise<UnsavedChoice>;
  /** Saves the current document; false when the user cancelled the save or it failed. */
  readonly save: () => Promise<boolean>;
}

/**
 * Whether the current document may be replaced. A clean document may; otherwise the user decides,
 * and "Save" lets it go only once the save has really happened (a cancelled Save As or a failed
 * write keeps it).
 */
export async function mayReplaceDocument({ dirty, ask, save }: UnsavedChangesDeps): Promise<boolean> {
  if (!dirty) return true;
  const choice = await ask();
  switch (choice) {
    case 'discard':
      return true;
    case 'cancel':
      return false;
    case 'save':
      return save();
    default:
      return assertNever(choice);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected choice ${String(x)}`);
}
