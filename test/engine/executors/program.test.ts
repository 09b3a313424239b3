/**
 * What every executor promises through the interface (engine/executors/types.ts), checked on each
 * registered one: bound tensors serve every later run, a feed replaces a bound tensor for one run,
 * rebinding replaces it, a missing tensor is named, and a program computes what it was prepared for.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXECUTORS, float32, type Executor } from '../../../engine/executors/index.ts';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { EXECUTOR_IDS } from '../../../engine/protocol/executors.ts';

/** out = x · w + b, with x an input [2, 2] and w [2, 2], b [2] params. */
function affine() {
  const b = new IrBuilder();
  const x = b.input('x', [2, 2]);
  const w = b.param('w', [2, 2]);
  const bias = b.param('b', [2]);
  const xw = b.emit({ type: 'matmul', transA: false, transB: false }, [x, w]);
  return b.finish({ 'out:y': b.emit({ type: 'add' }, [xw, bias]), 'out:xw': xw });
}

const x = float32([2, 2], Float32Array.of(1, 2, 3, 4));
const identity = float32([2, 2], Float32Array.of(1, 0, 0, 1));
const swap = float32([2, 2], Float32Array.of(0, 1, 1, 0));
const bias = float32([2], Float32Array.of(10, 20));

for (const id of EXECUTOR_IDS) {
  describe(`executor '${id}' keeps the interface's promises`, () => {
    let ex: Executor;
    before(async () => {
      ex = await EXECUTORS[id].create({ threads: 1 });
    });
    after(async () => {
      await ex.dispose();
    });

    it('lists its devices and describes the one in use', () => {
      assert.ok(ex.devices.length > 0);
      assert.equal(ex.describe().device, ex.devices[0].label);
    });

    it('runs on bound tensors, lets a feed replace one for a single run, and rebinding replaces it for good', async () => {
      const p = await ex.prepare(affine(), { outputs: ['out:y'] });
      const y = async (feeds: Parameters<typeof p.run>[0]) => {
        const out = (await p.run(feeds))['out:y'];
        assert.equal(out.dtype, 'float32');
        assert.deepEqual(out.shape, [2, 2]);
        return [...out.data];
      };
      try {
        assert.deepEqual(
          p.inputs.map((s) => `${s.kind} ${s.name} ${s.dtype}[${s.shape.join(',')}]`),
          ['input x float32[2,2]', 'param w float32[2,2]', 'param b float32[2]'],
        );
        p.bind({ w: identity, b: bias, unused: x });
        assert.deepEqual(await y({ x }), [11, 22, 13, 24]);
        assert.deepEqual(await y({ x, w: swap }), [12, 21, 14, 23], 'a feed replaces the bound w');
        assert.deepEqual(await y({ x }), [11, 22, 13, 24], 'for that run only');
        p.bind({ w: swap });
        assert.deepEqual(await y({ x }), [12, 21, 14, 23], 'rebinding replaces w, and b stays bound');
      } finally {
        await p.dispose();
      }
    });

    it('names a missing or mis-shaped tensor, and an output it was not prepared for', async () => {
      const p = await ex.prepare(affine(), { outputs: ['out:y'], name: 'affine' });
      try {
        await assert.rejects(p.run({ x, b: bias }), /missing param 'w' \(expected float32\[2, 2\]\)/);
        assert.throws(() => p.bind({ b: float32([3], new Float32Array(3)) }), /param 'b' should be float32\[2\], got float32\[3\]/);
        await assert.rejects(p.run({ x, w: identity, b: bias }, ['out:xw']), /program 'affine' does not compute output 'out:xw'/);
      } finally {
        await p.dispose();
      }
    });

    it('refuses a device it does not have', async () => {
      await assert.rejects(ex.prepare(affine(), { device: 'no-such-device' }), /no device 'no-such-device'/);
    });
  });
}
