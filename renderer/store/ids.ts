/** Fresh ids for new nodes (`<blockType><n>`) and edges (`e<n>`), never reusing a taken one. */

function freshId(prefix: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const id = `${prefix}${n}`;
    if (!taken.has(id)) return id;
  }
}

export const freshNodeId = (blockType: string, nodes: readonly { id: string }[]): string =>
  freshId(blockType, new Set(nodes.map((n) => n.id)));

export const freshEdgeId = (edges: readonly { id: string }[]): string => freshId('e', new Set(edges.map((e) => e.id)));
