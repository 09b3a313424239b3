/**
 * What a diagnostic says to change: a port check that names the upstream block and param deciding
 * whether a value is a sequence or a vector, and the block and param that set a size. Both follow
 * edges back through blocks that pass the kind or the size on (dense, activation, …).
 */
import { type AnyBlock, type PortKind, type PortType } from '../blocks/types.ts';
import type { Diagnostic } from '../graph/diagnostics.ts';
import type { GraphEdge } from '../graph/schema.ts';

/** A node whose block is known and whose params parse. */
export interface ValidNode {
  readonly block: AnyBlock;
  readonly params: Record<string, unknown>;
}

/** The graph as analysis has it so far: its valid nodes, the types inferred for them, and the edge into each input. */
export interface GraphView {
  readonly valid: ReadonlyMap<string, ValidNode>;
  readonly nodes: ReadonlyMap<string, { readonly outputs: Readonly<Record<string, PortType>> | undefined }>;
  readonly incoming: ReadonlyMap<string, ReadonlyMap<string, GraphEdge>>;
}

export const describe = (t: PortType): string =>
  `${t.kind === 'sequence' ? 'a sequence' : 'one vector per example'} of ${t.tokens ? `token ids (vocabulary ${t.size})` : `${t.size} feature${t.size === 1 ? '' : 's'}`}`;

/** The type an edge carries, once its source is inferred. */
const carried = (g: GraphView, e: GraphEdge): PortType | undefined => g.nodes.get(e.source)?.outputs?.[e.sourcePort];

/**
 * How to make edge `e` carry a `want` instead: the upstream block that decides whether it is a
 * sequence or a vector and what to change there (its `sequenceSwitch`), followed back through
 * blocks that pass the kind on. Undefined when no such block is found.
 */
export function kindFix(g: GraphView, e: GraphEdge, want: PortKind, seen = new Set<string>()): string | undefined {
  const source = g.valid.get(e.source);
  if (!source || seen.has(e.source)) return undefined;
  seen.add(e.source);
  const { block } = source;
  const name = `'${e.source}'`;
  const own = (): string | undefined => {
    const toggle = block.sequenceSwitch;
    if (toggle === undefined) return undefined;
    if ('remove' in toggle) return want === 'sequence' ? `remove ${toggle.noun} ${name} and connect what feeds it directly` : undefined;
    if (e.sourcePort !== toggle.port)
      return want === 'sequence' ? `connect the port '${toggle.port}' of ${name} (with ${toggle.param} true) instead of its final state '${e.sourcePort}'` : undefined;
    return `set ${toggle.param} to ${want === 'sequence'} on ${toggle.noun === undefined ? '' : `${toggle.noun} `}${name}`;
  };
  const fix = own();
  if (fix) return fix;
  const have = carried(g, e)?.kind;
  for (const p of block.inputs) {
    const upstream = g.incoming.get(e.source)?.get(p.name);
    if (upstream && carried(g, upstream)?.kind === have) {
      const found = kindFix(g, upstream, want, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** Which block and param set the number of features leaving `source` by `port`, for size messages. */
export function sizeSource(g: GraphView, source: string, port: string, seen = new Set<string>()): string | undefined {
  const info = g.valid.get(source);
  const size = g.nodes.get(source)?.outputs?.[port]?.size;
  if (!info || size === undefined || seen.has(source)) return undefined;
  seen.add(source);
  const { block, params } = info;
  const from = `the ${size} features come from '${source}'`;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const cell = typeof params.cell === 'object' && params.cell !== null ? (params.cell as Record<string, unknown>) : undefined;
  const units = num(params.units) ?? num(cell?.units);
  const layers = num(params.layers) ?? num(cell?.layers) ?? 1;
  const unitsName = cell ? 'cell.units' : 'units';
  if (units !== undefined && (port === 'h' || port === 'c'))
    return `${from} (its final state: ${[...(cell ? ['2 directions'] : []), ...(layers > 1 ? [`${layers} layers`] : []), `${unitsName} ${units}`].join(' × ')})`;
  if (cell && port === 'out') return `${from} (${unitsName} ${units}, merge '${String(params.merge)}')`;
  const key = block.sizeParam;
  if (key !== undefined && num(params[key]) === size) return `${from} (${key} ${size})`;
  if (units === size) return `${from} (${unitsName} ${units})`;
  // A block that passes its input's size on: look further up.
  for (const p of block.inputs) {
    const upstream = g.incoming.get(source)?.get(p.name);
    if (upstream && carried(g, upstream)?.size === size) return sizeSource(g, upstream.source, upstream.sourcePort, seen);
  }
  return undefined;
}

/**
 * Whether input `portName` of `block` takes `t`. A kind mismatch says how to fix it: `fix()` names
 * the upstream block and param to change, when there is one.
 */
export function checkPort(block: AnyBlock, portName: string, t: PortType, fix: () => string | undefined): Omit<Diagnostic, 'severity'> | null {
  const port = block.inputs.find((p) => p.name === portName)!;
  if (!port.accepts.includes(t.kind)) {
    const upstream = fix();
    const hint =
      t.kind === 'vector'
        ? (upstream ?? 'feed it a sequence (the output of a recurrent block with returnSequences true, or an input block with sequence true)')
        : `add a last-step block before it${upstream ? `, or ${upstream}` : ''}`;
    return { code: 'kind-mismatch', message: `'${block.type}' input '${portName}' takes ${port.accepts.map((k) => (k === 'sequence' ? 'a sequence' : 'a vector')).join(' or ')}, but receives ${describe(t)}; ${hint}` };
  }
  if (port.tokens === 'only' && !t.tokens)
    return { code: 'token-mismatch', message: `'${block.type}' input '${portName}' takes token ids, but receives ${describe(t)}; connect an input block of kind 'tokens'` };
  if (port.tokens === 'never' && t.tokens)
    return { code: 'token-mismatch', message: `'${block.type}' input '${portName}' takes real-valued features, but receives token ids; put an embedding block in between` };
  return null;
}
