/**
 * Cell math that draws: a block's step run against `DrawMath` draws its cell out of primitive
 * blocks instead of emitting IR ops, so "Open as primitives" comes from the same definition the
 * block lowers.
 *
 * Products with weights stay symbolic until something needs them drawn: a value is a sum of
 * terms x·W[:, cols], b[cols] and values already drawn. So `split(x·W + h₋₁·U + b, gates)` is,
 * per gate, x·W_g + h₋₁·U_g + b_g, and drawing it makes one linear block per input (the first
 * holding the gate's bias, each holding its gate's columns of the macro's weights) and adds
 * them. An elementwise op or an activation draws its operands; a vector weight, a constant or a
 * learned rate multiplying a value becomes a scale, constantScale or rateScale block.
 */
import { type CellDraft, type Cut, Part, type Source } from './expand-draft.ts';
import type { Activation, Rate, StepMath } from './math.ts';
import type { BoundStep, StepResult } from './step.ts';

/** Why a step cannot be drawn: it computes something no primitive block does. */
export class DrawError extends Error {}

/** A weight, or a block of its columns (of one row), with the symbol formulas write it as. */
interface Slice extends Cut {
  readonly symbol: string;
}

type Term = { readonly kind: 'product'; readonly input: Drawn; readonly w: Slice } | { readonly kind: 'bias'; readonly w: Slice } | { readonly kind: 'value'; readonly value: Drawn };

type Form =
  | { readonly kind: 'weight'; readonly w: Slice }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'rate'; readonly rho: Slice; readonly rate: Rate; readonly complement: boolean }
  | { readonly kind: 'sum'; readonly terms: readonly Term[] }
  | { readonly kind: 'drawn' };

/** A value of a step being drawn: [B, width] features (width null: the input's, unknown here). */
export class Drawn {
  /** The symbol and label the step gave it. */
  name?: { readonly symbol: string; readonly label: string };
  /** Where it is read from, once drawn. */
  source?: Source;
  constructor(
    readonly form: Form,
    private readonly formula: () => string,
    readonly width: number | null,
  ) {}
  /** How formulas write it: its name, or what it is computed from. */
  get symbol(): string {
    return this.name?.symbol ?? this.formula();
  }
}

/** Keras's weight names as the equations write them. */
const SYMBOLS: Readonly<Record<string, string>> = { kernel: 'W', recurrentKernel: 'U', bias: 'b', outputKernel: 'V', outputBias: 'c', tauRaw: 'ρ' };

const ACTIVATION_SYMBOLS: Readonly<Record<Exclude<Activation, 'linear'>, string>> = { tanh: 'tanh', sigmoid: 'σ', relu: 'relu' };

const wrap = (s: string): string => (/\s/.test(s) ? `(${s})` : s);

/** An id part from a symbol or formula: 'h₋₁·U_i' → 'hU_i', 'c̃' → 'ctilde'. */
function idOf(text: string): string {
  const plain = text
    .replaceAll('1 − ', 'one_minus_')
    .replaceAll('₋₁', '')
    .replaceAll('\u0303', 'tilde')
    .replaceAll("'", 'p')
    .replaceAll('σ', 'sigma')
    .replaceAll('α', 'alpha')
    .replaceAll('ρ', 'rho')
    .replaceAll('·', '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 32)
    .replace(/_$/, '');
  return plain || 'part';
}

const productText = (input: Drawn, w: Slice, bias?: Slice): string => `${wrap(input.symbol)}·${w.symbol}${bias ? ` + ${bias.symbol}` : ''}`;

const termText = (t: Term): string => (t.kind === 'product' ? productText(t.input, t.w) : t.kind === 'bias' ? t.w.symbol : t.value.symbol);

/** Columns k of n equal blocks of `w`, subscripted with `gate`. */
function gateOf(w: Slice, k: number, n: number, gate: string): Slice {
  const [from, to] = w.columns;
  const width = (to - from) / n;
  return { ...w, columns: [from + k * width, from + (k + 1) * width], symbol: `${w.symbol}_${gate}` };
}

const widthOf = (w: Slice): number => w.columns[1] - w.columns[0];

export class DrawMath implements StepMath<Drawn> {
  /** Linear parts by what they compute, so a product used twice is drawn once. */
  private readonly linears = new Map<string, Part>();

  constructor(private readonly d: CellDraft) {}

  /** A value that is already drawn (or the macro's input). */
  source(source: Source, symbol: string, width: number | null): Drawn {
    const v = new Drawn({ kind: 'drawn' }, () => symbol, width);
    v.source = source;
    return v;
  }

  /** A whole weight of the macro. */
  weight(cut: Cut, symbol: string): Drawn {
    const w: Slice = { ...cut, symbol };
    return new Drawn({ kind: 'weight', w }, () => symbol, widthOf(w));
  }

  matmul(x: Drawn, w: Drawn): Drawn {
    const W = w.form.kind === 'weight' && w.form.w.shape.length === 2 && w.form.w.row === undefined ? w.form.w : null;
    if (!W) throw new DrawError(`multiplies ${x.symbol} by ${w.symbol}, which is not a weight matrix`);
    return this.sum([{ kind: 'product', input: x, w: W }], widthOf(W));
  }

  add(a: Drawn, b: Drawn): Drawn {
    return this.sum([...this.terms(a), ...this.terms(b)], a.width ?? b.width);
  }

  mul(a: Drawn, b: Drawn): Drawn {
    const [factor, x] = a.form.kind === 'drawn' || a.form.kind === 'sum' ? [b, a] : [a, b];
    const f = factor.form;
    switch (f.kind) {
      case 'constant':
        return this.drawn(this.d.apply('constantScale', { factor: f.value }, this.draw(x), `${f.value}·${wrap(x.symbol)}`, `scaled_${idOf(x.symbol)}`), x.width);
      case 'rate': {
        const label = `${f.complement ? '(1 − α)' : 'α'} ⊙ ${wrap(x.symbol)}`;
        const part = this.d.apply('rateScale', { ...f.rate, complement: f.complement }, this.draw(x), label, idOf(`${f.complement ? 'keep' : 'move'}_${x.symbol}`));
        this.d.piece(f.rho, part, 'rho');
        return this.drawn(part, x.width);
      }
      case 'weight': {
        if (f.w.shape.length !== 1 && f.w.row === undefined) throw new DrawError(`multiplies elementwise by the matrix ${f.w.symbol}`);
        const part = this.d.apply('scale', {}, this.draw(x), `${f.w.symbol} ⊙ ${wrap(x.symbol)}`, idOf(`${f.w.symbol}_${x.symbol}`));
        this.d.piece(f.w, part, 'gamma');
        return this.drawn(part, x.width);
      }
      case 'sum':
      case 'drawn': {
        const label = `${wrap(a.symbol)} ⊙ ${wrap(b.symbol)}`;
        return this.drawn(this.d.join('multiply', this.draw(a), this.draw(b), label, idOf(label)), a.width ?? b.width);
      }
    }
  }

  constant(value: number): Drawn {
    return new Drawn({ kind: 'constant', value }, () => String(value), null);
  }

  oneMinus(x: Drawn): Drawn {
    const f = x.form;
    if (f.kind === 'rate') return new Drawn({ ...f, complement: !f.complement }, () => (f.complement ? 'α' : '(1 − α)'), x.width);
    const label = `1 − ${wrap(x.symbol)}`;
    return this.drawn(this.d.apply('oneMinus', {}, this.draw(x), label, idOf(label)), x.width);
  }

  act(name: Activation, x: Drawn): Drawn {
    if (name === 'linear') return x;
    const label = `${ACTIVATION_SYMBOLS[name]}(${x.symbol})`;
    return this.drawn(this.d.apply(name, {}, this.draw(x), label, idOf(`${name}_${x.symbol}`)), x.width);
  }

  concat(xs: readonly Drawn[]): Drawn {
    if (xs.length === 0) throw new DrawError('concatenates nothing');
    return xs.slice(1).reduce((all, x) => {
      const label = `[${all.symbol}; ${x.symbol}]`;
      return this.drawn(this.d.join('concat', this.draw(all), this.draw(x), label, idOf(`concat_${all.symbol}`)), all.width !== null && x.width !== null ? all.width + x.width : null);
    }, xs[0]);
  }

  split(x: Drawn, gates: readonly string[]): Drawn[] {
    const f = x.form;
    const n = gates.length;
    if (f.kind === 'weight') return gates.map((g, k) => this.weightSlice(gateOf(f.w, k, n, g)));
    if (f.kind !== 'sum') throw new DrawError(`splits ${x.symbol}, and only sums of products with weights can be split into gates`);
    return gates.map((g, k) =>
      this.sum(
        f.terms.map((t): Term => {
          if (t.kind === 'value') throw new DrawError(`splits ${x.symbol}, which adds ${t.value.symbol}: only products with weights and biases can be split into gates`);
          return { ...t, w: gateOf(t.w, k, n, g) };
        }),
        x.width === null ? null : x.width / n,
      ),
    );
  }

  row(w: Drawn, r: number): Drawn {
    const f = w.form;
    if (f.kind !== 'weight' || f.w.shape.length !== 2 || f.w.row !== undefined) throw new DrawError(`takes a row of ${w.symbol}, which is not a weight matrix`);
    return this.weightSlice({ ...f.w, row: r, symbol: f.w.symbol + "'".repeat(r) });
  }

  rate(rho: Drawn, rate: Rate): Drawn {
    const f = rho.form;
    if (f.kind !== 'weight' || f.w.shape.length !== 1) throw new DrawError(`takes a rate from ${rho.symbol}, which is not a vector weight`);
    return new Drawn({ kind: 'rate', rho: f.w, rate: { dt: rate.dt, tauInit: rate.tauInit }, complement: false }, () => 'α', rho.width);
  }

  name(x: Drawn, symbol: string, label: string): Drawn {
    // A weight is written by its symbol wherever it is cut or multiplied.
    if (x.form.kind === 'weight') return this.weightSlice({ ...x.form.w, symbol });
    x.name = { symbol, label };
    // A value that is one drawn part of its own takes the name at once; a sum takes it when drawn.
    if (x.form.kind === 'drawn' && x.source instanceof Part) {
      x.source.label = label;
      x.source.idPart = idOf(symbol);
    }
    return x;
  }

  /** Where `v` is read from, drawing it (and what it needs) when it is not drawn yet. */
  draw(v: Drawn): Source {
    if (v.source) return v.source;
    const f = v.form;
    if (f.kind !== 'sum') throw new DrawError(`uses ${v.symbol} as a value of its own, and no primitive block outputs a ${f.kind}`);
    v.source = this.drawSum(v, f.terms);
    return v.source;
  }

  /** One linear block per product, each bias with the first product that has none, added up. */
  private drawSum(v: Drawn, terms: readonly Term[]): Source {
    const addends: ({ kind: 'product'; input: Drawn; w: Slice; bias?: Slice } | { kind: 'value'; value: Drawn })[] = [];
    for (const t of terms) if (t.kind !== 'bias') addends.push({ ...t });
    for (const t of terms) {
      if (t.kind !== 'bias') continue;
      const product = addends.find((a) => a.kind === 'product' && a.bias === undefined);
      if (!product || product.kind !== 'product') throw new DrawError(`adds the bias ${t.w.symbol} to no product with a weight, and only a linear block adds a learned bias`);
      product.bias = t.w;
    }
    if (addends.length === 0) throw new DrawError(`draws ${v.symbol}, a sum of nothing`);
    const texts = addends.map((a) => (a.kind === 'product' ? productText(a.input, a.w, a.bias) : a.value.symbol));
    const sources = addends.map((a) => (a.kind === 'product' ? this.linear(a.input, a.w, a.bias, addends.length === 1 ? v.name : undefined) : this.draw(a.value)));
    let sum = sources[0];
    for (let k = 1; k < sources.length; k++) {
      const last = k === sources.length - 1;
      const label = last && v.name ? v.name.label : texts.slice(0, k + 1).join(' + ');
      sum = this.d.join('add', sum, sources[k], label, last && v.name ? idOf(v.name.symbol) : `sum_${idOf(texts[0])}`);
    }
    return sum;
  }

  /** input·w (+ bias) as a linear block holding those columns of the macro's weights. */
  private linear(input: Drawn, w: Slice, bias: Slice | undefined, name: Drawn['name']): Part {
    const from = this.draw(input);
    const key = JSON.stringify([from === 'input' ? -1 : from.index, w.source, w.columns, w.row, bias?.source, bias?.columns, bias?.row]);
    const known = this.linears.get(key);
    if (known) return known;
    const part = this.d.apply('linear', { units: widthOf(w), useBias: bias !== undefined }, from, name?.label ?? productText(input, w, bias), name ? idOf(name.symbol) : idOf(`${input.symbol}${w.symbol}`));
    this.d.piece(w, part, 'kernel');
    if (bias) this.d.piece(bias, part, 'bias');
    this.linears.set(key, part);
    return part;
  }

  private sum(terms: readonly Term[], width: number | null): Drawn {
    return new Drawn({ kind: 'sum', terms }, () => terms.map(termText).join(' + '), width);
  }

  private weightSlice(w: Slice): Drawn {
    return new Drawn({ kind: 'weight', w }, () => w.symbol, widthOf(w));
  }

  private drawn(part: Part, width: number | null): Drawn {
    return this.source(part, part.label, width);
  }

  /** A value as terms of a sum: a drawn value (or a named sum, which keeps its own part), or a bias. */
  private terms(v: Drawn): Term[] {
    const f = v.form;
    switch (f.kind) {
      case 'sum':
        return v.name || v.source ? [{ kind: 'value', value: v }] : [...f.terms];
      case 'drawn':
        return [{ kind: 'value', value: v }];
      case 'weight':
        if (f.w.shape.length === 1 || f.w.row !== undefined) return [{ kind: 'bias', w: f.w }];
        throw new DrawError(`adds the matrix ${f.w.symbol} to a value`);
      case 'constant':
      case 'rate':
        throw new DrawError(`adds ${v.symbol} to a value, and no primitive block adds a constant`);
    }
  }
}

/**
 * Draws one step of a cell reading `x` (weights by their one-layer names, cut from the macro's by
 * `weight`), every state it reads looping back through a delay: the parts of its output and of
 * each state's next value.
 */
export function drawStep(d: CellDraft, step: BoundStep, x: Source, weight: (name: string) => Cut): StepResult<Part> {
  const m = new DrawMath(d);
  const delays = new Map<string, Part>();
  const result = step<Drawn>({
    m,
    x: m.source(x, 'x', null),
    weight: (name) => m.weight(weight(name), SYMBOLS[name] ?? name),
    previous: (state) => {
      let delay = delays.get(state);
      if (!delay) delays.set(state, (delay = d.delay(state)));
      return m.source(delay, `${state}₋₁`, null);
    },
  });
  const part = (v: Drawn): Part => {
    const s = m.draw(v);
    if (s === 'input') throw new DrawError('outputs its input unchanged');
    return s;
  };
  const next: Record<string, Part> = {};
  for (const [state, value] of Object.entries(result.next)) next[state] = part(value);
  for (const [state, delay] of delays) {
    const value = result.next[state];
    if (value === undefined) throw new DrawError(`reads the state '${state}' and gives it no next value`);
    d.wire(next[state], delay);
    if (value.width !== null) delay.params.size = value.width;
  }
  return { out: part(result.out), next };
}
