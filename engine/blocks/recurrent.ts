/**
 * What the recurrent blocks share: one sequence input, a hidden size, an output that is either
 * the whole sequence of h or its last step, and the choice of how their kernels start.
 */
import { z } from 'zod';
import type { CellRef } from '../compiler/cell.ts';
import { dense, inputType, seqPort, T } from './ports.ts';
import type { InferContext, Initializer, LowerContext, PortType, Text } from './types.ts';

export const recurrentInputs = [seqPort('in', T.in)];
export const recurrentOutputs = [{ name: 'out', label: T.out }];

export function recurrentInfer(p: { units: number; returnSequences: boolean }, cx: InferContext): Record<string, PortType> {
  inputType(cx, 'in');
  return { out: dense(p.returnSequences ? 'sequence' : 'vector', p.units) };
}

export const inputSize = (cx: InferContext): number => inputType(cx, 'in').size;

/** The block's sequence input, required by the validator before lowering. */
export function sequenceIn(cx: LowerContext): CellRef {
  const x = cx.inputs.in;
  if (x === undefined) throw new Error(`block '${cx.nodeId}': input 'in' is not connected`);
  return x;
}

export const finish = (cx: LowerContext, h: CellRef, returnSequences: boolean): Record<string, CellRef> => ({
  out: returnSequences ? h : cx.cell.lastStep(h),
});

/** The initialisers a user may choose for a kernel or a recurrent kernel (Keras's names, in camelCase). */
export const MatrixInitializer = z.enum(['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'orthogonal', 'identity', 'zeros']) satisfies z.ZodType<Initializer>;
export type MatrixInitializer = z.infer<typeof MatrixInitializer>;

/**
 * The params `kernelInitializer`, `recurrentInitializer` and `recurrentGain`. Keras starts
 * kernels Glorot-uniform and recurrent kernels orthogonal; `recurrentDefault` exists for the
 * Jordan block, whose recurrent kernel has always started Glorot-uniform.
 */
export const initializerParams = (recurrentDefault: MatrixInitializer = 'orthogonal') => ({
  kernelInitializer: MatrixInitializer.default('glorotUniform'),
  recurrentInitializer: MatrixInitializer.default(recurrentDefault),
  recurrentGain: z.number().min(0).max(10).default(1),
});

const INITIALIZERS_EN =
  'glorotUniform: uniform in ±√(6 / (fan_in + fan_out)); glorotNormal: truncated normal, std √(2 / (fan_in + fan_out)); heUniform / heNormal: the same with fan_in only (for relu); orthogonal: orthonormal rows or columns; identity: the identity matrix in each gate block; zeros.';
const INITIALIZERS_ZH =
  'glorotUniform：在 ±√(6 / (fan_in + fan_out)) 内均匀分布；glorotNormal：截断正态分布，标准差 √(2 / (fan_in + fan_out))；heUniform / heNormal：同上但只用 fan_in（适合 relu）；orthogonal：行或列两两正交的单位向量；identity：每个门块为单位矩阵；zeros：全零。';

export const initializerHelp = (recurrentDefault: MatrixInitializer = 'orthogonal'): Record<'kernelInitializer' | 'recurrentInitializer' | 'recurrentGain', Text> => ({
  kernelInitializer: {
    en: `How the input kernel W starts (Keras default glorotUniform). ${INITIALIZERS_EN}`,
    zh: `输入权重矩阵 W 的初始化方式（Keras 默认 glorotUniform）。${INITIALIZERS_ZH}`,
  },
  recurrentInitializer: {
    en:
      recurrentDefault === 'orthogonal'
        ? 'How the recurrent kernel U starts (Keras default orthogonal, which keeps the repeated product with U from shrinking or growing at first). identity with relu activation and zero bias makes an IRNN.'
        : 'How the recurrent kernel U starts (default glorotUniform, as this block has always started; orthogonal is what Keras uses for its recurrent layers).',
    zh:
      recurrentDefault === 'orthogonal'
        ? '循环权重矩阵 U 的初始化方式（Keras 默认 orthogonal：正交矩阵使反复乘以 U 时一开始既不衰减也不放大）。identity 加上 relu 激活和零偏置即为 IRNN。'
        : '循环权重矩阵 U 的初始化方式（默认 glorotUniform，与本模块一直以来的做法相同；Keras 的循环层默认用 orthogonal）。',
  },
  recurrentGain: {
    en: 'Every initial value of the recurrent kernel U is multiplied by this gain (Keras: the gain of Identity and Orthogonal); e.g. identity with gain 0.5 starts U at 0.5·I.',
    zh: '循环权重矩阵 U 的每个初始值都乘以这个增益（对应 Keras 中 Identity、Orthogonal 的 gain）；例如 identity 配合增益 0.5，U 的初值为 0.5·I。',
  },
});
