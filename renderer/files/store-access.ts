/** The document store as the File menu's actions use it (`DocumentAccess`). */
import type { StoreApi } from 'zustand/vanilla';
import type { DocumentState } from '../store/document-store.ts';
import type { DocumentAccess } from './file-actions.ts';

export function documentAccessFor(store: StoreApi<DocumentState>): DocumentAccess {
  return {
    current: () => store.getState(),
    load(doc, path, dirty) {
      // An import exists nowhere on disk yet: closing or replacing it must ask first, even after every edit is undone.
      store.getState().load(doc, path, { unsaved: dirty });
    },
    markSaved(path, doc) {
      const edited = store.getState().doc !== doc;
      store.getState().markSaved(path);
      // Edits made while the write was under way are not in the file.
      if (edited) store.setState({ dirty: true });
    },
  };
}
