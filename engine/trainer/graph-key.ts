import { createHash } from 'node:crypto';
import type { GraphDocument } from '../graph/schema.ts';

/** What executors key a graph's compiled sessions by: a hash of its nodes and edges. */
export const graphKey = (graph: GraphDocument): string => createHash('sha256').update(JSON.stringify({ nodes: graph.nodes, edges: graph.edges })).digest('hex').slice(0, 16);
