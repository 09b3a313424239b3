/**
 * The output block: turns logits into a prediction and compares it with the dataset's target.
 * Its loss is averaged over the batch and, for sequences, over time steps.
 *   softmaxCrossEntropy: −Σ_k onehot(y)_k · log softmax(x)_k     (target: class ids)
 *   binaryCrossEntropy:  softplus(x) − x·y, on logits, stable     (target: 0/1 per feature)
 *   meanSquaredError:    (x − y)²                                 (target: real features)
 */
import { z } from 'zod';
import type { CellRef } from '../cell/cell.ts';
import { CellMath } from './math.ts';
import { anyPort, inputType } from './ports.ts';
import { BlockIssue, defineBlock, type PortType } from './types.ts';

export const LossKind = z.enum(['softmaxCrossEntropy', 'binaryCrossEntropy', 'meanSquaredError']);
export type LossKind = z.infer<typeof LossKind>;

const Params = z.strictObject({
  loss: LossKind.default('meanSquaredError'),
  target: z.enum(['y']).default('y'),
});

/** The target stream type the output block expects, given its input. */
function expectedTarget(loss: LossKind, logits: PortType): PortType {
  return { kind: logits.kind, size: logits.size, tokens: loss === 'softmaxCrossEntropy' };
}

export const output = defineBlock({
  type: 'output',
  role: 'output',
  logits: 'in',
  target: (p, logits) => ({ stream: p.target, type: expectedTarget(p.loss, logits) }),
  category: 'output',
  label: { en: 'Output + loss', zh: '输出与损失' },
  help: {
    en: 'Turns the network output into a prediction (softmax, sigmoid or identity) and measures the loss against the target.',
    zh: '把网络输出变成预测（softmax、sigmoid 或恒等），并计算与目标之间的损失。',
  },
  params: Params,
  paramHelp: {
    loss: {
      en: 'softmaxCrossEntropy for classes and next-token prediction, binaryCrossEntropy for yes/no features, meanSquaredError for real values.',
      zh: 'softmaxCrossEntropy 用于分类和预测下一个词元，binaryCrossEntropy 用于是/否特征，meanSquaredError 用于实数值。',
    },
    target: { en: 'The dataset stream with the targets (y).', zh: '存放目标值的数据流（y）。' },
  },
  inputs: [anyPort('in', { en: 'logits', zh: '未归一化输出' })],
  outputs: [{ name: 'prediction', label: { en: 'prediction', zh: '预测' } }],
  infer: (p, cx) => {
    const x = inputType(cx, 'in');
    if (p.loss === 'softmaxCrossEntropy' && x.size < 2)
      throw new BlockIssue('size-mismatch', `softmax cross-entropy needs at least 2 classes, the input has ${x.size} feature`, 'in');
    return { prediction: { kind: x.kind, size: x.size, tokens: false } };
  },
  weights: () => [],
  lower: (p, cx) => {
    const x = cx.inputs.in;
    const type = cx.types.in;
    if (x === undefined || type === undefined) throw new BlockIssue('shape-unknown', "input 'in' is not connected", 'in');
    const m = new CellMath(cx.cell);
    const { batch } = cx.cell;
    const perStep = type.kind === 'sequence';
    const total = (v: CellRef) => cx.cell.op({ type: 'reduceSum', axes: [0, 1], keepDims: false }, [v]);
    let prediction: CellRef, lossSum: CellRef, count: number;
    switch (p.loss) {
      case 'softmaxCrossEntropy': {
        const target = cx.cell.input(p.target, [batch], 'int32', perStep);
        const logp = cx.cell.op({ type: 'logSoftmax' }, [x]);
        prediction = cx.cell.op({ type: 'softmax' }, [x]);
        lossSum = cx.cell.op({ type: 'neg' }, [total(m.mul(cx.cell.op({ type: 'oneHot', depth: type.size }, [target]), logp))]);
        count = batch;
        break;
      }
      case 'binaryCrossEntropy': {
        const target = cx.cell.input(p.target, [batch, type.size], 'float32', perStep);
        prediction = m.sigmoid(x);
        lossSum = total(m.sub(cx.cell.op({ type: 'softplus' }, [x]), m.mul(x, target)));
        count = batch * type.size;
        break;
      }
      case 'meanSquaredError': {
        const target = cx.cell.input(p.target, [batch, type.size], 'float32', perStep);
        const error = m.sub(x, target);
        prediction = x;
        lossSum = total(m.mul(error, error));
        count = batch * type.size;
        break;
      }
    }
    const loss = m.mul(lossSum, m.constant(1 / count));
    return { prediction, loss: perStep ? cx.cell.meanOverTime(loss) : loss };
  },
});
