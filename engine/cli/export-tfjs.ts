/**
 * `rnn-studio export-tfjs MODEL -o DIR`: a model file as a TensorFlow.js Layers model, `DIR/model.json`
 * plus its weight shards, for `tf.loadLayersModel`. A graph TF.js Layers cannot express is refused
 * with one line naming the block (exit 1), and nothing is written.
 */
import type { Command } from 'commander';
import { exportTfjs, TfjsExportError, writeTfjs } from '../model/export/tfjs.ts';
import { UserError } from './errors.ts';
import { readModel } from './files.ts';

interface ExportOptions {
  readonly out: string;
  readonly json?: boolean;
}

/** Adds `export-tfjs` to the program. */
export function registerExportTfjs(program: Command): void {
  program
    .command('export-tfjs')
    .description('write a trained model as a TensorFlow.js Layers model (model.json + weight shards)')
    .argument('<model>', 'model file (*.rnn-model.json)')
    .requiredOption('-o, --out <dir>', 'folder to write model.json and the shards into (made if missing)')
    .option('--json', 'print JSON lines instead of text')
    .action((file: string, o: ExportOptions) => {
      const model = readModel(file);
      let exported;
      try {
        exported = exportTfjs(model);
      } catch (e) {
        if (e instanceof TfjsExportError) throw new UserError(`${file}: cannot export to TensorFlow.js: ${e.message}`);
        throw e;
      }
      const files = writeTfjs(o.out, exported);
      const layers = exported.modelJson.modelTopology.config.layers.length;
      if (o.json) process.stdout.write(`${JSON.stringify({ type: 'exported', format: 'tfjs', files, layers, bytes: exported.weightData.byteLength })}\n`);
      else process.stdout.write(`${file} → ${o.out}: ${layers} layers, ${exported.weightData.byteLength} weight bytes in ${files.length - 1} shard${files.length > 2 ? 's' : ''}\n`);
    });
}
