import { analyzeGraph } from './engine/compiler/validate.ts';
const mod = await import('./test/e2e/bench-graphs.ts');
for (const n of [104, 204, 404]) { const doc = mod.chainGraph(n); analyzeGraph(doc); const t0 = performance.now(); analyzeGraph(doc); console.log(n, (performance.now()-t0).toFixed(1)); }
