/**
 * The engine's analysis of the current document, run in this window: inferred port types for the
 * canvas and inspector. It is run again only when the document's structure changes (not when a
 * block moves or the graph is renamed), once for every component that asks, and in a deferred
 * render after the edit has been drawn: analysing a graph of hundreds of blocks takes longer than
 * a frame, and the keystroke or drop that changed it should show first.
 */
import { useDeferredValue } from 'react';
import { analyzeGraph, type Analysis } from '../../engine/compiler/validate.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { useDocument } from '../store/context.tsx';
import { sameStructure, structureKey } from '../store/structure-key.ts';

let last: { readonly key: string; readonly analysis: Analysis | null } | null = null;

/** The analysis of `doc`; the latest one is kept for every caller. */
function analysisOf(doc: GraphDocument): Analysis | null {
  const key = structureKey(doc);
  if (last?.key !== key) {
    let analysis: Analysis | null;
    try {
      analysis = analyzeGraph(doc);
    } catch {
      analysis = null; // shown as "not known yet"; the Problems list carries the engine's report
    }
    last = { key, analysis };
  }
  return last.analysis;
}

export function useAnalysis(): Analysis | null {
  return analysisOf(useDeferredValue(useDocument((s) => s.doc, sameStructure)));
}
