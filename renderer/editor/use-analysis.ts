/**
 * The engine's analysis of the current document, run in this window: inferred port types for the
 * canvas and inspector. Recomputed only when something other than positions changes, so dragging
 * stays cheap.
 */
import { useRef } from 'react';
import { analyzeGraph, type Analysis } from '../../engine/compiler/validate.ts';
import { validationKey } from '../connection/live-validation.ts';
import { useDocument } from '../store/context.tsx';

export function useAnalysis(): Analysis | null {
  const doc = useDocument((s) => s.doc);
  const cache = useRef<{ key: string; analysis: Analysis | null } | null>(null);
  const key = validationKey(doc, null);
  if (cache.current?.key !== key) {
    let analysis: Analysis | null;
    try {
      analysis = analyzeGraph(doc);
    } catch {
      analysis = null; // shown as "not known yet"; the Problems list carries the engine's report
    }
    cache.current = { key, analysis };
  }
  return cache.current.analysis;
}
