/**
 * The shipped templates compile to exactly the IR they compiled to before blocks learnt to stack
 * layers, run backward and take initial states: the forward and train-step IR and the weight list
 * of each (T = 6, batch 3), and the one-step stateful IR that sampling uses, hash to the values
 * recorded from the engine as it was then. A change that moves a single node of a one-layer block
 * fails here; if it is meant, record the new hashes and say why in the commit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { loadTemplate } from '../../helpers/templates.ts';

const RECORDED: Readonly<Record<string, { train: string; stateful: string }>> = {
  'adding-lstm.rnn.json': { train: '19f212a82f023795', stateful: 'c50cca43833fa282' },
  'char-gru.rnn.json': { train: '8e77c5b6131afcaf', stateful: '2ef40bb6e6f54d53' },
  'sine-elman.rnn.json': { train: '32399ff341bcd3a2', stateful: '09b2db4176ac59e9' },
  'weather-food-jordan.rnn.json': { train: 'b2fcd80b50f9d832', stateful: '524fd51653e3116d' },
};

const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

describe('the shipped templates compile to the IR they always did', () => {
  for (const [file, recorded] of Object.entries(RECORDED)) {
    it(file, () => {
      const { graph } = loadTemplate(file);
      const c = compileGraph(graph, { steps: 6, batch: 3 });
      const s = compileGraph(graph, { steps: 1, batch: 1, stateful: true });
      assert.deepEqual({ train: hash([c.forward, c.train, c.weights]), stateful: hash([s.forward, s.states]) }, recorded);
    });
  }
});
