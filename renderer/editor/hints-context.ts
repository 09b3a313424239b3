/** The connection being dragged, shared with every node so its handles can show valid targets. */
import { createContext } from 'react';
import type { ConnectionHints } from './connection-hints.ts';

export const ConnectionHintsContext = createContext<ConnectionHints | null>(null);
