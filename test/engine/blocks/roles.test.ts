/**
 * The roles and capabilities blocks declare agree with what the blocks do: a source block is
 * exactly what lowers to a read of a dataset stream, and the stream it says it reads is the one
 * its cell reads; an output block's target stream is the one its loss reads; a sequence switch
 * and a size param change the output the way a diagnostic says they do.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockNode, type BlockNode, decoderSource, isOutput, isOutputType, isSource, sourcePort, sources } from '../../../engine/blocks/roles.ts';
import { BLOCKS, type BlockType } from '../../../engine/blocks/registry.ts';
import { type AnyBlock, BlockIssue, DECODER_STREAM, type InferContext, type PortType, type SourceStream } from '../../../engine/blocks/types.ts';
import { lowerToCell } from '../../../engine/compiler/lower.ts';
import { analyzeGraph } from '../../../engine/compiler/validate.ts';
import { assertNever } from '../../../engine/ir/types.ts';
import { BLOCK_CASES } from '../../helpers/block-cases.ts';
import { graph } from '../../helpers/graphs.ts';

const SOURCE_STREAMS: readonly string[] = ['x', DECODER_STREAM] satisfies readonly SourceStream[];

/** Every required input of `block` fed `size` features, a sequence where it takes one, token ids where it takes only those. */
function fed(block: AnyBlock, size: number): InferContext {
  const inputs: Record<string, PortType> = {};
  for (const port of block.inputs)
    if (!port.optional) inputs[port.name] = { kind: port.accepts.includes('sequence') ? 'sequence' : 'vector', size, tokens: port.tokens === 'only' };
  return { inputs };
}

/**
 * The stream a node reads, written out per block type: the oracle `sources` is checked against.
 * A block type added to the registry fails to compile here until it is placed.
 */
function streamRead(node: BlockNode): SourceStream | undefined {
  switch (node.type) {
    case 'input':
      return node.params.stream;
    case 'embedding':
    case 'elman':
    case 'jordan':
    case 'lstm':
    case 'gru':
    case 'minimalGatedUnit':
    case 'peepholeLstm':
    case 'ctrnn':
    case 'bidirectional':
    case 'dense':
    case 'activation':
    case 'dropout':
    case 'lastStep':
    case 'repeatVector':
    case 'attention':
    case 'output':
    case 'delay':
    case 'linear':
    case 'add':
    case 'multiply':
    case 'concat':
    case 'tanh':
    case 'sigmoid':
    case 'relu':
    case 'oneMinus':
    case 'scale':
    case 'constantScale':
    case 'rateScale':
    case 'firstStep':
      return undefined;
    default:
      return assertNever(node, 'block type');
  }
}

describe('block roles', () => {
  it('the source blocks are exactly those whose cell reads x or decoderInput, each the stream it declares', () => {
    const seen = new Set<string>();
    for (const c of BLOCK_CASES)
      for (const training of [true, false]) {
        const analysis = analyzeGraph(c.graph);
        const { cell } = lowerToCell(c.graph, analysis, 2, { steps: c.steps, training });
        // The cell makes one input per name: a second reader of a stream shares the first one's.
        const reads = (name: string) => cell.nodes.some((n) => n.kind === 'input' && n.name === name);
        const streamsRead = new Set<string>();
        for (const n of cell.nodes)
          if (n.kind === 'input' && SOURCE_STREAMS.includes(n.name)) {
            const maker = analysis.nodes.get(n.block);
            assert.ok(maker && isSource(maker.block), `${c.name}: '${n.block}' (${maker?.block.type}) reads the stream '${n.name}' but is not a source`);
            streamsRead.add(n.name);
          }
        const declared = [...analysis.nodes.values()].flatMap((info) => (isSource(info.block) ? [info.block.reads(info.params)] : []));
        assert.deepEqual(new Set(declared), streamsRead, `${c.name}: the streams its sources declare`);
        for (const [id, info] of analysis.nodes) {
          if (isSource(info.block)) {
            const stream = info.block.reads(info.params);
            assert.ok(reads(stream), `${c.name}: source '${id}' (${info.block.type}) says it reads '${stream}', and its cell does not`);
            seen.add(info.block.type);
          }
          if (isOutput(info.block)) {
            const logits = info.inputs[info.block.logits];
            assert.ok(logits, `${c.name}: output '${id}' has no logits on '${info.block.logits}'`);
            const { stream } = info.block.target(info.params, logits);
            assert.ok(reads(stream), `${c.name}: output '${id}' says its target is '${stream}', and its cell does not read it`);
          }
        }
      }
    assert.deepEqual([...seen].sort(), BLOCKS.filter(isSource).map((b) => b.type).sort(), 'a source block without a case that lowers it');
  });

  it('sources() finds the nodes the per-type oracle names, with the stream and type each puts out', () => {
    for (const c of BLOCK_CASES) {
      const expected = c.graph.nodes.flatMap((n) => {
        const node = blockNode(n);
        const stream = node && streamRead(node);
        return stream === undefined ? [] : [{ id: n.id, stream }];
      });
      const found = sources(c.graph);
      assert.deepEqual(found.map(({ id, stream }) => ({ id, stream })), expected, c.name);
      const analysis = analyzeGraph(c.graph);
      for (const s of found) {
        const info = analysis.nodes.get(s.id)!;
        assert.ok(isSource(info.block));
        assert.deepEqual(s.type, info.outputs?.[sourcePort(info.block)], `${c.name}: type of '${s.id}'`);
      }
    }
  });

  it('a source has no inputs and one output; an output block takes its logits on one of its inputs', () => {
    for (const block of BLOCKS) {
      if (isSource(block)) {
        assert.deepEqual(block.inputs, [], block.type);
        assert.equal(block.outputs.length, 1, block.type);
      }
      if (isOutput(block)) assert.ok(block.inputs.some((p) => p.name === block.logits), block.type);
    }
  });

  it("a sequence switch's param makes its port a sequence when true and a vector when false; a removable block makes vectors of sequences", () => {
    for (const block of BLOCKS) {
      const toggle = block.sequenceSwitch;
      if (toggle === undefined) continue;
      if ('remove' in toggle) {
        const out = block.infer(block.params.parse({}), fed(block, 3));
        assert.ok(Object.values(out).every((t) => t.kind === 'vector'), block.type);
        continue;
      }
      for (const on of [true, false]) {
        const out = block.infer(block.params.parse({ [toggle.param]: on }), fed(block, 3));
        assert.equal(out[toggle.port]?.kind, on ? 'sequence' : 'vector', `${block.type} with ${toggle.param} ${on}`);
      }
    }
  });

  it('every block with a boolean returnSequences declares it as its sequence switch', () => {
    const declared = BLOCKS.filter((b) => b.sequenceSwitch !== undefined && !('remove' in b.sequenceSwitch) && b.sequenceSwitch.param === 'returnSequences').map((b) => b.type);
    const have = BLOCKS.filter((b) => typeof b.params.parse({}).returnSequences === 'boolean').map((b) => b.type);
    assert.deepEqual(declared, have);
  });

  it("a size param sets the size of the block's output", () => {
    for (const block of BLOCKS) {
      if (block.sizeParam === undefined) continue;
      const params = block.params.parse({ [block.sizeParam]: 7 });
      // A delay infers from its own size while its input is not known yet, as the validator asks it.
      const cx = block.role === 'delay' ? { inputs: {} } : fed(block, 3);
      let out: Readonly<Record<string, PortType>>;
      try {
        out = block.infer(params, cx);
      } catch (e) {
        if (e instanceof BlockIssue) assert.fail(`${block.type} refuses ${block.sizeParam} 7: ${e.message}`);
        throw e;
      }
      assert.equal(out[block.outputs[0].name]?.size, 7, block.type);
    }
  });

  it('decoderSource finds the input on decoderInput; isOutputType holds for output blocks whatever their params', () => {
    const encoderDecoder = graph({ x: ['input', { kind: 'tokens', size: 5 }], d: ['input', { kind: 'tokens', size: 5, stream: DECODER_STREAM }] }, []);
    assert.deepEqual(decoderSource(encoderDecoder), { id: 'd', stream: DECODER_STREAM, type: { kind: 'sequence', size: 5, tokens: true } });
    assert.equal(decoderSource(graph({ x: ['input', { size: 2 }] }, [])), undefined);
    // Params that do not parse: not a source anyone can read from.
    assert.deepEqual(sources(graph({ x: ['input', { size: 0 }] }, [])), []);
    assert.equal(isOutputType('output'), true);
    assert.equal(isOutputType('lstm'), false);
    assert.equal(isOutputType('nonsense'), false);
  });

  it('blockNode parses params with their defaults, and refuses unknown types and bad params', () => {
    const [ok, unknown, bad] = graph({ a: ['lstm', { units: 3 }], b: ['nonsense'], c: ['lstm', { units: 'many' }] }, []).nodes;
    const node = blockNode(ok);
    assert.ok(node?.type === 'lstm');
    assert.equal(node.params.units, 3);
    assert.equal(node.params.returnSequences, true);
    assert.equal(blockNode(unknown), undefined);
    assert.equal(blockNode(bad), undefined);
    // @ts-expect-error: not a block type of the registry.
    const nonsense: BlockType = 'nonsense';
    assert.equal(BLOCKS.some((b) => b.type === nonsense), false);
  });
});
