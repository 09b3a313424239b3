/**
 * Attention over a whole source sequence. At every step t of the query (a decoder's hidden
 * states, say), each source step s (the encoder's outputs) gets a score for how well its key
 * matches the query; a softmax over s turns the scores into weights, and the context c_t is the
 * weighted sum of the values. Keys are the values unless the `keys` port is connected.
 *
 *   dot:       e_ts = q_t · k_s                        (Luong)
 *   general:   e_ts = (q_t · W) · k_s                  (Luong, W [Dq, Dk])
 *   additive:  e_ts = v · tanh(q_t · W_q + k_s · W_k)  (Bahdanau, W_q [Dq, A], W_k [Dk, A], v [A])
 *   scale:     e_ts · 1/√Dk                            (dot and general: scaled dot-product)
 *   α_t = softmax_s(e_t),   c_t = Σ_s α_ts · v_s
 *
 * Shapes per step (batch B, source length T): q_t [B, Dq], the source read whole as [B, T, ·],
 * e_t and α_t [B, T], c_t [B, Dv]. A query that is one vector per example gives one context per
 * example (attention pooling, many-to-one). The weights α are not a port (their width is the
 * source length T, known only when the graph is compiled): the block shows them as its probe
 * 'weights', which greedy decoding returns as the attention matrix [T_query, T_source].
 */
import { z } from 'zod';
import type { CellRef } from '../cell/cell.ts';
import { CellMath } from './math.ts';
import { connected, dense, inputType, units } from './ports.ts';
import { BlockIssue, type InferContext, type LowerContext, type PortType, defineBlock } from './types.ts';

export const AttentionScore = z.enum(['dot', 'general', 'additive']);

const Params = z.strictObject({
  score: AttentionScore.default('dot'),
  scale: z.boolean().default(false),
  units: units(16),
});
type Params = z.infer<typeof Params>;

/** The keys' type: the `keys` input when connected, else the values'. */
const keysType = (cx: InferContext): PortType => cx.inputs.keys ?? inputType(cx, 'values');

/** e [.., T]: one score per source step, for every query step (or for the one query vector). */
function scores(p: Params, cx: LowerContext, m: CellMath, source: { keys: CellRef; values: CellRef; wholeValues: CellRef }): CellRef {
  const { cell } = cx;
  const q = connected(cx, 'query');
  const sum = (x: CellRef, axis: number) => cell.op({ type: 'reduceSum', axes: [axis], keepDims: false }, [x]);
  /** [B, F] → [B, 1, F]: one query against every source step. */
  const lift = (x: CellRef) => cell.op({ type: 'reshape', shape: [cell.batch, 1, cell.get(x).shape[1]] }, [x]);
  if (p.score === 'additive') {
    // k_s · W_k is computed once per source step, then read whole: [B, T, A].
    const keys = cell.allSteps(m.matmul(source.keys, cx.weight('keyKernel')));
    const hidden = m.tanh(m.add(lift(m.matmul(q, cx.weight('queryKernel'))), keys));
    return sum(m.mul(hidden, cx.weight('scoreVector')), 2);
  }
  const keys = source.keys === source.values ? source.wholeValues : cell.allSteps(source.keys);
  const query = p.score === 'general' ? m.matmul(q, cx.weight('kernel')) : q;
  const e = sum(m.mul(lift(query), keys), 2);
  return p.scale ? m.mul(e, m.constant(1 / Math.sqrt(cell.get(keys).shape[2]))) : e;
}

export const attention = defineBlock({
  type: 'attention',
  role: 'layer',
  category: 'layer',
  label: { en: 'Attention', zh: '注意力' },
  help: {
    en: 'At every step of the query (e.g. the decoder\'s hidden states) it scores every step of the source (e.g. the encoder\'s outputs), turns the scores into weights with a softmax, and outputs the weighted sum of the values: the context vector of that step. Scores: dot (Luong), general (Luong, learned matrix) or additive (Bahdanau).',
    zh: '在查询序列（如解码器的隐状态）的每一步，给源序列（如编码器的输出）的每一步打分，用 softmax 把分数变成权重，输出值的加权和，即该步的上下文向量。打分方式：dot（Luong 点积）、general（Luong，带可学习矩阵）或 additive（Bahdanau 加性）。',
  },
  params: Params,
  paramHelp: {
    score: {
      en: 'How the query q is matched with each key k: dot = q·k (q and k need the same size); general = q·W·k with a learned W; additive = v·tanh(q·W_q + k·W_k) with learned W_q, W_k and v.',
      zh: '查询 q 与每个键 k 的匹配方式：dot = q·k（q 与 k 的维度须相同）；general = q·W·k，W 可学习；additive = v·tanh(q·W_q + k·W_k)，W_q、W_k、v 可学习。',
    },
    scale: {
      en: 'Multiply dot and general scores by 1/√d, d the size of the keys (scaled dot-product attention), so that the softmax does not saturate when d is large. Additive scores learn their own scale (v): leave it off there.',
      zh: '把 dot 和 general 的分数乘以 1/√d（d 为键的维度，即缩放点积注意力），避免 d 较大时 softmax 饱和。additive 打分自带可学习的尺度 v，不要开启。',
    },
    units: {
      en: 'Size A of the hidden layer of additive scores (columns of W_q and W_k); dot and general scores do not use it.',
      zh: 'additive 打分中隐藏层的大小 A（W_q 与 W_k 的列数）；dot 和 general 打分不使用它。',
    },
  },
  inputs: [
    { name: 'query', label: { en: 'query (e.g. decoder states)', zh: '查询（如解码器隐状态）' }, accepts: ['sequence', 'vector'], tokens: 'never' },
    { name: 'values', label: { en: 'values (e.g. encoder outputs)', zh: '值（如编码器输出）' }, accepts: ['sequence'], tokens: 'never' },
    { name: 'keys', label: { en: 'keys (optional: the values)', zh: '键（可选，默认为值）' }, accepts: ['sequence'], tokens: 'never', optional: true },
  ],
  outputs: [{ name: 'out', label: { en: 'context', zh: '上下文向量' } }],
  infer: (p, cx) => {
    const [q, v, k] = [inputType(cx, 'query'), inputType(cx, 'values'), keysType(cx)];
    if (p.score === 'dot' && q.size !== k.size)
      throw new BlockIssue(
        'size-mismatch',
        `dot scores need the query and the ${cx.inputs.keys ? 'keys' : 'values (the keys)'} to have the same size: the query has ${q.size} features, the ${cx.inputs.keys ? 'keys' : 'values'} ${k.size}; choose score 'general' or 'additive', or make the sizes equal`,
        'query',
      );
    if (p.scale && p.score === 'additive')
      throw new BlockIssue('param-invalid', "scale applies to dot and general scores; additive scores learn their own scale (v): turn scale off");
    return { out: dense(q.kind, v.size) };
  },
  weights: (p, cx) => {
    const [q, k] = [inputType(cx, 'query'), keysType(cx)];
    switch (p.score) {
      case 'dot':
        return [];
      case 'general':
        return [{ name: 'kernel', shape: [q.size, k.size], init: 'glorotUniform' }];
      case 'additive':
        return [
          { name: 'queryKernel', shape: [q.size, p.units], init: 'glorotUniform' },
          { name: 'keyKernel', shape: [k.size, p.units], init: 'glorotUniform' },
          { name: 'scoreVector', shape: [p.units], init: 'glorotUniform' },
        ];
    }
  },
  lower: (p, cx) => {
    const { cell } = cx;
    const m = new CellMath(cell);
    const values = connected(cx, 'values');
    const wholeValues = cell.allSteps(values);
    const alpha = cell.op({ type: 'softmax' }, [scores(p, cx, m, { keys: cx.inputs.keys ?? values, values, wholeValues })]);
    cell.probe('weights', alpha);
    const [batch, steps] = cell.get(wholeValues).shape;
    const weighted = m.mul(cell.op({ type: 'reshape', shape: [batch, steps, 1] }, [alpha]), wholeValues);
    return { out: cell.op({ type: 'reduceSum', axes: [1], keepDims: false }, [weighted]) };
  },
});
