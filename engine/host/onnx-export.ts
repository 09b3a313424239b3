/**
 * A finished run as an ONNX model for inference, the app's side of `rnn-studio export --format
 * onnx`: which lengths the model can be exported for, and the file itself (base64, since every
 * message is JSON).
 */
import type { Budgets } from '../compiler/budgets.ts';
import { CompileError } from '../graph/diagnostics.ts';
import { exportOnnx, hasSequenceInput, type OnnxExport } from '../inference/export-onnx.ts';
import { AnyLengthRefused, exportOnnxScan } from '../inference/export-onnx-scan.ts';
import { InputError } from '../inference/predict.ts';
import type { Result } from '../protocol/messages.ts';
import { RequestError } from './errors.ts';
import { suggestedModelName, trainingRecordOf, type TrainedRun } from './trained.ts';

type ExportBudgets = Pick<Budgets, 'inputSteps' | 'parameters'>;

/** Whether the run's model reads sequences, and whether it can be exported for any number of steps (or why not). */
export function onnxChoices(run: TrainedRun, budgets?: ExportBudgets): Result<'model.onnxChoices'> {
  const sequences = hasSequenceInput(run.graph);
  try {
    // The one way to know every reason a Scan export refuses is to try it; batch 1 keeps it small.
    exportOnnxScan(run.graph, run.weights, undefined, { batch: 1, budgets });
    return { sequences, anyLength: { possible: true } };
  } catch (e) {
    if (e instanceof AnyLengthRefused) return { sequences, anyLength: { possible: false, reason: e.reason } };
    throw refusal(run, e);
  }
}

/**
 * The run's model as an ONNX file for batches of `o.batch`: unrolled over `o.steps`, or for any
 * number of steps. A model that reads no sequence is exported with steps 1.
 */
export function exportOnnxOf(run: TrainedRun, o: { steps: number | 'any'; batch: number }, budgets?: ExportBudgets): Result<'model.exportOnnx'> {
  const training = trainingRecordOf(run);
  if (o.steps !== 1 && !hasSequenceInput(run.graph)) throw new RequestError('bad-message', `steps: run '${run.runId}' reads no sequence, so it is exported with steps 1, not ${o.steps}`);
  let exported: OnnxExport;
  try {
    exported =
      o.steps === 'any'
        ? exportOnnxScan(run.graph, run.weights, training, { batch: o.batch, budgets })
        : exportOnnx(run.graph, run.weights, training, { steps: o.steps, batch: o.batch, budgets });
  } catch (e) {
    if (e instanceof AnyLengthRefused) throw new RequestError('bad-message', `steps: run '${run.runId}' cannot be exported for any number of steps: ${e.reason}; export a fixed number of steps instead`);
    throw refusal(run, e);
  }
  return {
    base64: Buffer.from(exported.bytes).toString('base64'),
    bytes: exported.bytes.length,
    suggestedName: suggestedModelName(run.graph, '.onnx'),
    inputs: exported.inputs.map((v) => ({ ...v, shape: [...v.shape], dims: [...v.dims] })),
    outputs: exported.outputs.map((v) => ({ ...v, shape: [...v.shape], dims: [...v.dims] })),
  };
}

/** A model the export cannot take (weights that do not fit, a graph that does not compile) is the request's problem; anything else passes on. */
function refusal(run: TrainedRun, e: unknown): unknown {
  if (e instanceof InputError || e instanceof CompileError) return new RequestError('bad-message', `run '${run.runId}' cannot be exported as ONNX: ${e.message}`);
  return e;
}
