/**
 * The engine's block catalog as the editor shows it: palette groups and search, the kind of value
 * each port carries, a one-line summary of a block's params. Pure (no React), tested in Node.
 */
import { BLOCKS } from '../../engine/blocks/registry.ts';
import type { AnyBlock, InputPort, PortType } from '../../engine/blocks/types.ts';

export type Category = AnyBlock['category'];

/** Palette order: from data in, through the network, to the loss; hand-wiring primitives last. */
export const CATEGORY_ORDER: readonly Category[] = ['data', 'recurrent', 'layer', 'output', 'primitive'];

export interface PaletteGroup {
  readonly category: Category;
  readonly blocks: readonly AnyBlock[];
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** Whether `block` matches a search: its type, or its label in either language. */
export function matchesQuery(block: AnyBlock, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(`${block.type} ${block.label.en} ${block.label.zh}`);
  return words.every((w) => haystack.includes(w));
}

export function paletteGroups(query: string, blocks: readonly AnyBlock[] = BLOCKS): PaletteGroup[] {
  return CATEGORY_ORDER.map((category) => ({ category, blocks: blocks.filter((b) => b.category === category && matchesQuery(b, query)) })).filter(
    (g) => g.blocks.length > 0,
  );
}

/** What a port carries, for its colour: known from the analysis, or what the port accepts. */
export type PortKindClass = 'sequence' | 'vector' | 'tokens' | 'any' | 'unknown';

export function kindOfType(t: PortType | undefined): PortKindClass {
  if (!t) return 'unknown';
  return t.tokens ? 'tokens' : t.kind;
}

export function inputPortKind(port: InputPort, known: PortType | undefined): PortKindClass {
  if (known) return kindOfType(known);
  if (port.tokens === 'only') return 'tokens';
  return port.accepts.length === 1 ? port.accepts[0] : 'any';
}

/** Params that say what a block is at a glance (shown even when they hold their default). */
const MAIN_PARAMS = new Set(['units', 'size', 'dim', 'outputUnits', 'kind', 'loss', 'fn']);
const SUMMARY_LENGTH = 3;

export interface ParamEntry {
  readonly key: string;
  readonly value: string | number | boolean;
}

/**
 * Up to three params worth showing on the node: the main ones, then any set away from its
 * default. Values that are not plain (objects, arrays) are left out.
 */
export function paramSummary(block: AnyBlock, params: Record<string, unknown>): ParamEntry[] {
  const parsed = block.params.safeParse(params);
  const defaults = block.params.safeParse({});
  const values: Record<string, unknown> = parsed.success ? parsed.data : params;
  const fallback: Record<string, unknown> = defaults.success ? defaults.data : {};
  const keys = Object.keys(block.paramHelp);
  const plain = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const main = keys.filter((k) => MAIN_PARAMS.has(k) && plain(values[k]));
  const changed = keys.filter((k) => !MAIN_PARAMS.has(k) && plain(values[k]) && values[k] !== fallback[k]);
  return [...main, ...changed].slice(0, SUMMARY_LENGTH).map((key) => ({ key, value: values[key] as string | number | boolean }));
}
