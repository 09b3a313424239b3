/**
 * The engine's block catalog as the editor shows it: palette groups and search, the kind of value
 * each port carries, a one-line summary of a block's params. Pure (no React), tested in Node.
 */
import Fuse from 'fuse.js';
import { BLOCKS, type BlockType } from '../../engine/blocks/registry.ts';
import type { AnyBlock, InputPort, PortType } from '../../engine/blocks/types.ts';
import { BLOCK_SYNONYMS } from './block-synonyms.ts';

export type Category = AnyBlock['category'];

/** Palette order: from data in, through the network, to the loss; hand-wiring primitives last. */
export const CATEGORY_ORDER: readonly Category[] = ['data', 'recurrent', 'layer', 'output', 'primitive'];

export interface PaletteGroup {
  readonly category: Category;
  readonly blocks: readonly AnyBlock[];
}

/** How far a match may be from the query (Fuse's 0 exact … 1 anything): forgives a typo or two. */
const FUZZINESS = 0.3;
/** Matches scored worse than this (0 best … 1 worst) are left out: a query's letters scattered through long help text. */
const WORST_SCORE = 0.6;

interface SearchRecord {
  readonly block: AnyBlock;
  readonly type: string;
  readonly label: readonly string[];
  readonly synonyms: readonly string[];
  readonly help: readonly string[];
}

const indexes = new WeakMap<readonly AnyBlock[], Fuse<SearchRecord>>();

/** The search index of `blocks`: the type and labels count most, then synonyms, then help, in both languages. */
function indexOf(blocks: readonly AnyBlock[]): Fuse<SearchRecord> {
  let index = indexes.get(blocks);
  if (!index) {
    const records = blocks.map((block): SearchRecord => {
      const synonyms = BLOCK_SYNONYMS[block.type as BlockType];
      return { block, type: block.type, label: [block.label.en, block.label.zh], synonyms: synonyms ? [...synonyms.en, ...synonyms.zh] : [], help: [block.help.en, block.help.zh] };
    });
    index = new Fuse(records, {
      keys: [
        { name: 'type', weight: 3 },
        { name: 'label', weight: 3 },
        { name: 'synonyms', weight: 2 },
        { name: 'help', weight: 1 },
      ],
      threshold: FUZZINESS,
      ignoreLocation: true,
      // Help text is long; at Fuse's full length penalty a word in it ("forget") would never count.
      fieldNormWeight: 0.25,
      includeScore: true,
      // Words separated by spaces must each match ("last step").
      useExtendedSearch: true,
    });
    indexes.set(blocks, index);
  }
  return index;
}

/**
 * The blocks a palette search finds, best match first: by type, label, synonym or help text, in
 * English or Chinese, forgiving small typos. An empty query finds every block, in catalog order.
 */
export function searchBlocks(query: string, blocks: readonly AnyBlock[] = BLOCKS): readonly AnyBlock[] {
  const text = query.normalize('NFKC').trim();
  if (text === '') return blocks;
  return indexOf(blocks)
    .search(text)
    .filter((r) => (r.score ?? 1) <= WORST_SCORE)
    .map((r) => r.item.block);
}

/** The palette's groups in category order; within a group, the best matches first. */
export function paletteGroups(query: string, blocks: readonly AnyBlock[] = BLOCKS): PaletteGroup[] {
  const found = searchBlocks(query, blocks);
  return CATEGORY_ORDER.map((category) => ({ category, blocks: found.filter((b) => b.category === category) })).filter((g) => g.blocks.length > 0);
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
