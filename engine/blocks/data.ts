/** Where data enters: the input block (dense features or token ids) and the embedding. */
import { z } from 'zod';
import { CellMath } from './math.ts';
import { T, inputType } from './ports.ts';
import { BlockIssue, DECODER_STREAM, defineBlock } from './types.ts';

const InputParams = z.strictObject({
  /** Which dataset stream this block reads. */
  stream: z.enum(['x', DECODER_STREAM]).default('x'),
  kind: z.enum(['dense', 'tokens']).default('dense'),
  /** Dense: features per step. Tokens: the vocabulary size. */
  size: z.int().min(1).max(1_000_000).default(1),
  sequence: z.boolean().default(true),
});

export const input = defineBlock({
  type: 'input',
  role: 'source',
  reads: (p) => p.stream,
  sequenceSwitch: { param: 'sequence', port: 'out', noun: 'the input block' },
  sizeParam: 'size',
  category: 'data',
  label: { en: 'Input', zh: '输入' },
  help: {
    en: 'Feeds the dataset into the network: dense features at each time step, or token ids (characters, words).',
    zh: '把数据集送入网络：每个时间步的稠密特征，或词元编号（字符、单词）。',
  },
  params: InputParams,
  paramHelp: {
    stream: {
      en: "The dataset stream to read. x: the inputs (an encoder's source). decoderInput: the target shifted right by one step behind a start token, what a decoder reads while training (teacher forcing); greedy decoding feeds it the decoder's own previous prediction instead.",
      zh: '读取的数据流。x：输入（编码器的源序列）。decoderInput：目标序列右移一步、开头补上起始符，是解码器训练时读取的输入（教师强制）；贪心解码时改为喂入解码器自己上一步的预测。',
    },
    kind: { en: 'dense: real-valued features; tokens: integer ids into a vocabulary.', zh: 'dense：实数特征；tokens：词表中的整数编号。' },
    size: { en: 'Features per step (dense), or vocabulary size (tokens).', zh: '每步的特征数（dense），或词表大小（tokens）。' },
    sequence: { en: 'A sequence (a value at every step) rather than one vector per example.', zh: '是序列（每个时间步一个值），而不是每个样本一个向量。' },
  },
  inputs: [],
  outputs: [{ name: 'out', label: T.out }],
  infer: (p) => ({ out: { kind: p.sequence ? 'sequence' : 'vector', size: p.size, tokens: p.kind === 'tokens' } }),
  weights: () => [],
  lower: (p, cx) => {
    const [shape, dtype] = p.kind === 'tokens' ? [[cx.cell.batch], 'int32' as const] : [[cx.cell.batch, p.size], 'float32' as const];
    return { out: cx.cell.input(p.stream, shape, dtype, p.sequence) };
  },
});

const EmbeddingParams = z.strictObject({ dim: z.int().min(1).max(4096).default(16) });

export const embedding = defineBlock({
  type: 'embedding',
  role: 'layer',
  sizeParam: 'dim',
  category: 'data',
  label: { en: 'Embedding', zh: '词嵌入' },
  help: {
    en: 'Maps each token id to a learned dense vector (a row of the embedding matrix); equal to one-hot times a weight matrix.',
    zh: '把每个词元编号映射为一个可学习的稠密向量（嵌入矩阵的一行），等价于 one-hot 乘以权重矩阵。',
  },
  params: EmbeddingParams,
  paramHelp: { dim: { en: 'Length of each embedding vector.', zh: '每个嵌入向量的长度。' } },
  inputs: [{ name: 'in', label: { en: 'token ids', zh: '词元编号' }, accepts: ['sequence', 'vector'], tokens: 'only' }],
  outputs: [{ name: 'out', label: T.out }],
  infer: (p, cx) => ({ out: { kind: inputType(cx, 'in').kind, size: p.dim, tokens: false } }),
  weights: (p, cx) => [{ name: 'embeddings', shape: [inputType(cx, 'in').size, p.dim], init: 'uniform' }],
  lower: (_p, cx) => {
    const ids = cx.inputs.in;
    const vocabulary = cx.types.in?.size;
    if (ids === undefined || vocabulary === undefined) throw new BlockIssue('shape-unknown', "input 'in' is not connected", 'in');
    const m = new CellMath(cx.cell);
    return { out: m.matmul(cx.cell.op({ type: 'oneHot', depth: vocabulary }, [ids]), cx.weight('embeddings')) };
  },
});
