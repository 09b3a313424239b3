/**
 * A seeded mutator of graph documents, for fuzzing what reads them: each mutant is a template
 * with a few structural edits (nodes deleted, duplicated or retyped, params given wrong values,
 * edges swapped or rewired, random values anywhere in the tree) and, now and then, text-level
 * damage (truncation, a flipped character, nesting deeper than any parser's stack). The same
 * seed gives the same mutants.
 */
import { Random } from '../../engine/datasets/random.ts';
import { BLOCKS } from '../../engine/blocks/registry.ts';

const BLOCK_TYPES = BLOCKS.map((b) => b.type);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Mutant {
  /** What was done, to reproduce a failure by reading it. */
  readonly edits: readonly string[];
  readonly text: string;
}

const isObject = (x: Json | undefined): x is { [key: string]: Json } => typeof x === 'object' && x !== null && !Array.isArray(x);

export class Mutator {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.random.int(items.length)];
  }

  int(n: number): number {
    return this.random.int(n);
  }

  /** A value of the wrong kind, or at the edge of the right one. */
  junk(): Json {
    const nested = (depth: number): Json => {
      let v: Json = 1;
      for (let i = 0; i < depth; i++) v = [v];
      return v;
    };
    return this.pick<() => Json>([
      () => null,
      () => true,
      () => -1,
      () => 0,
      () => 2.5,
      () => 1e308,
      () => -1e-320,
      () => 2 ** 53 + 1,
      () => this.random.int(8),
      () => '',
      () => 'x'.repeat(1 + this.random.int(100_000)),
      () => '\u202e\u0000"\\',
      () => [],
      () => ({}),
      () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as Json,
      () => nested(1 + this.random.int(2000)),
      () => this.pick(BLOCK_TYPES),
    ])();
  }

  /** Every place in the tree a value can be set: [parent, key]. */
  private places(doc: Json): [Json[] | { [key: string]: Json }, string | number][] {
    const out: [Json[] | { [key: string]: Json }, string | number][] = [];
    const stack: Json[] = [doc];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (Array.isArray(v))
        v.forEach((x, i) => {
          out.push([v, i]);
          stack.push(x);
        });
      else if (isObject(v))
        for (const [k, x] of Object.entries(v)) {
          out.push([v, k]);
          stack.push(x);
        }
    }
    return out;
  }

  private edit(doc: { [key: string]: Json }): string {
    const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
    const edges = Array.isArray(doc.edges) ? doc.edges : [];
    const node = (): { [key: string]: Json } | undefined => {
      const n = nodes.length ? this.pick(nodes) : undefined;
      return isObject(n) ? n : undefined;
    };
    const edge = (): { [key: string]: Json } | undefined => {
      const e = edges.length ? this.pick(edges) : undefined;
      return isObject(e) ? e : undefined;
    };
    switch (this.random.int(9)) {
      case 0: {
        const i = this.random.int(Math.max(nodes.length, 1));
        nodes.splice(i, 1);
        return `delete node ${i}`;
      }
      case 1: {
        const n = node();
        if (!n) return 'no node to duplicate';
        const copy = structuredClone(n);
        if (this.random.bernoulli(0.5)) copy.id = `${String(n.id)}-copy`;
        nodes.push(copy);
        return `duplicate node ${String(n.id)}${copy.id === n.id ? ' with its id' : ''}`;
      }
      case 2: {
        const n = node();
        if (!n) return 'no node to retype';
        n.type = this.pick(BLOCK_TYPES);
        return `retype node ${String(n.id)} as ${n.type}`;
      }
      case 3: {
        const n = node();
        if (!n || !isObject(n.params)) return 'no params to break';
        const keys = Object.keys(n.params);
        const key = keys.length && this.random.bernoulli(0.8) ? this.pick(keys) : this.pick(['units', 'size', 'layers', 'steps', 'bogus', '__proto__']);
        n.params[key] = this.junk();
        return `node ${String(n.id)} param ${key} := junk`;
      }
      case 4: {
        const e = edge();
        if (!e) return 'no edge to swap';
        [e.source, e.target, e.sourcePort, e.targetPort] = [e.target, e.source, e.targetPort, e.sourcePort];
        return `swap edge ${String(e.id)}`;
      }
      case 5: {
        const [a, b] = [node(), node()];
        if (!a || !b) return 'no nodes to wire';
        const ports = ['in', 'out', 'a', 'b', 'h', 'c', 'state', 'logits', 'target', 'nope'];
        edges.push({ id: `fuzz${edges.length}`, source: a.id, sourcePort: this.pick(ports), target: b.id, targetPort: this.pick(ports) });
        return `wire ${String(a.id)} -> ${String(b.id)}`;
      }
      case 6: {
        const i = this.random.int(Math.max(edges.length, 1));
        edges.splice(i, 1);
        return `delete edge ${i}`;
      }
      default:
        return this.scramble(doc);
    }
  }

  /** Sets a value somewhere in `doc` (an object or array) to junk; says which. */
  scramble(doc: Json): string {
    const places = this.places(doc);
    if (places.length === 0) return 'nothing to scramble';
    const [parent, key] = this.pick(places);
    const value = this.junk();
    if (Array.isArray(parent)) parent[key as number] = value;
    else parent[key as string] = value;
    return `set ${String(key)} := junk`;
  }

  /** A mutant of the template `text`. */
  mutate(text: string): Mutant {
    const doc = JSON.parse(text) as { [key: string]: Json };
    const edits: string[] = [];
    for (let i = 1 + this.random.int(3); i > 0; i--) edits.push(this.edit(doc));
    let out = JSON.stringify(doc, null, this.random.bernoulli(0.5) ? 2 : undefined);
    switch (this.random.int(12)) {
      case 0: {
        const at = this.random.int(out.length);
        edits.push(`truncate at ${at}`);
        out = out.slice(0, at);
        break;
      }
      case 1: {
        const at = this.random.int(out.length);
        const c = this.pick(['{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', 'é', '/*']);
        edits.push(`put ${JSON.stringify(c)} at ${at}`);
        out = out.slice(0, at) + c + out.slice(at + 1);
        break;
      }
      case 2: {
        const depth = this.pick([5_000, 100_000]);
        const closed = this.random.bernoulli(0.5);
        edits.push(`nest ${depth} deep${closed ? '' : ', unclosed'}`);
        const deep = `${'['.repeat(depth)}${closed ? ']'.repeat(depth) : ''}`;
        out = out.replace(/"params":\s*\{/, `"params": {"deep": ${deep},`);
        break;
      }
    }
    return { edits, text: out };
  }
}
