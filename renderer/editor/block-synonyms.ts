/**
 * Other words people search the palette with, per block, in both languages: the names a block
 * goes by elsewhere (Keras, PyTorch, textbooks) and what it is for. Labels and help text are
 * searched too, so only words that appear in neither are listed.
 */
import type { BlockType } from '../../engine/blocks/registry.ts';

export interface Synonyms {
  readonly en: readonly string[];
  readonly zh: readonly string[];
}

export const BLOCK_SYNONYMS: Partial<Record<BlockType, Synonyms>> = {
  input: { en: ['data', 'source', 'features', 'x'], zh: ['数据源', '特征'] },
  embedding: { en: ['lookup table', 'word vectors', 'token vectors'], zh: ['词向量', '查找表'] },
  elman: { en: ['simple RNN', 'vanilla RNN', 'SRN'], zh: ['简单循环网络', '普通循环网络'] },
  jordan: { en: ['output feedback'], zh: ['输出反馈'] },
  lstm: { en: ['gated', 'memory cell'], zh: ['门控', '记忆单元', '长短时记忆'] },
  gru: { en: ['gated'], zh: ['门控'] },
  minimalGatedUnit: { en: ['MGU', 'gated'], zh: ['门控'] },
  peepholeLstm: { en: ['gated', 'Gers'], zh: ['门控'] },
  ctrnn: { en: ['leaky integrator', 'time constant', 'ODE'], zh: ['泄漏积分', '常微分方程'] },
  bidirectional: { en: ['BiRNN', 'BiLSTM', 'BiGRU', 'both directions'], zh: ['正反向', '前后文'] },
  dense: { en: ['fully connected', 'linear layer', 'FC', 'perceptron', 'MLP'], zh: ['线性层', '感知机', '多层感知机'] },
  activation: { en: ['nonlinearity', 'relu', 'tanh', 'sigmoid', 'softmax'], zh: ['非线性'] },
  dropout: { en: ['regularization', 'regularisation', 'noise'], zh: ['正则化'] },
  lastStep: { en: ['final state', 'many-to-one', 'pooling'], zh: ['最终状态', '池化'] },
  repeatVector: { en: ['tile', 'broadcast', 'one-to-many'], zh: ['平铺', '广播'] },
  attention: { en: ['alignment', 'seq2seq', 'Bahdanau', 'Luong', 'context vector'], zh: ['对齐', '上下文向量', '序列到序列'] },
  output: { en: ['loss', 'cross-entropy', 'mean squared error', 'MSE', 'softmax', 'objective'], zh: ['交叉熵', '均方误差', '目标函数'] },
  delay: { en: ['z-1', 'unit delay', 'feedback', 'loop', 'recurrence', 'previous step'], zh: ['反馈', '回路', '上一步'] },
  linear: { en: ['matmul', 'weights', 'matrix multiply', 'affine'], zh: ['权重', '仿射'] },
  add: { en: ['sum', 'plus', 'residual'], zh: ['加法', '求和', '残差'] },
  multiply: { en: ['product', 'Hadamard'], zh: ['乘法', '哈达玛积'] },
  concat: { en: ['join', 'merge', 'stack'], zh: ['合并', '连接'] },
  tanh: { en: ['hyperbolic tangent', 'activation', 'squash'], zh: ['激活'] },
  sigmoid: { en: ['logistic', 'activation'], zh: ['激活', '逻辑斯蒂'] },
  relu: { en: ['rectifier', 'rectified linear', 'activation'], zh: ['激活', '线性整流'] },
  oneMinus: { en: ['complement', 'invert gate'], zh: ['补', '互补'] },
  scale: { en: ['gain', 'peephole weight', 'elementwise weight'], zh: ['增益', '逐元素权重'] },
  constantScale: { en: ['multiply by constant', 'factor', 'decay', 'average'], zh: ['常数', '衰减', '平均'] },
  rateScale: { en: ['time constant', 'leak', 'learned rate'], zh: ['时间常数', '泄漏'] },
  firstStep: { en: ['initial step', 'backward loop end'], zh: ['第一步', '反向回路'] },
};
