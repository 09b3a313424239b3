/** Problems in a graph, each pinned to the node (and port or edge) where the user can fix it. */
export type DiagnosticCode =
  | 'unknown-block'
  | 'param-invalid'
  | 'unknown-node'
  | 'unknown-port'
  | 'missing-connection'
  | 'extra-connection'
  | 'kind-mismatch'
  | 'token-mismatch'
  | 'size-mismatch'
  | 'algebraic-loop'
  /** A loop through delays running both ways in time, or a backward recurrence run one step at a time. */
  | 'time-direction'
  | 'shape-unknown'
  | 'no-output'
  | 'dataset-mismatch'
  /** Over a budget (parameters): the message names the limit and how to raise it. */
  | 'too-large'
  | 'unused-block';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly nodeId?: string;
  readonly port?: string;
  readonly edgeId?: string;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** One line per diagnostic, naming the node and port: `node 'lstm1' port 'in': …`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.nodeId && `node '${d.nodeId}'`, d.port && `port '${d.port}'`, !d.nodeId && d.edgeId && `edge '${d.edgeId}'`].filter(Boolean).join(' ');
  return `${d.severity} ${d.code}${where ? ` at ${where}` : ''}: ${d.message}`;
}

export class CompileError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
  }
}
