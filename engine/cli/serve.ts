/** `rnn-studio serve`: starts the server, prints where it listens, and runs until SIGINT or SIGTERM. */
import type { ExecutorChoice } from '../protocol/executors.ts';
import { openInBrowser, ServeError, startServer } from '../host/serve.ts';
import { UserError } from './errors.ts';

export interface ServeCommandOptions {
  readonly port: number;
  readonly workspace?: string;
  readonly json?: boolean;
  readonly open?: boolean;
  readonly executor: ExecutorChoice;
}

const line = (text: string) => process.stdout.write(`${text}\n`);

export async function serveCommand(o: ServeCommandOptions): Promise<void> {
  let server;
  try {
    server = await startServer({
      port: o.port,
      workspace: o.workspace ?? process.cwd(),
      executor: o.executor,
      onStatus: (s) => {
        if (o.json) line(JSON.stringify({ type: 'host', state: s.state, pid: s.pid, message: s.message }));
        else if (s.state !== 'ready' || s.message !== null) process.stderr.write(`rnn-studio serve: engine host ${s.state}${s.message ? `: ${s.message}` : ''}\n`);
        else process.stderr.write(`rnn-studio serve: engine host ready (pid ${s.pid})\n`);
      },
    });
  } catch (e) {
    if (e instanceof ServeError) throw new UserError(e.message);
    throw e;
  }
  const { url, port, token } = server;
  line(o.json ? JSON.stringify({ type: 'listening', url, port, token }) : `RNN Studio: ${url}`);
  if (!o.json) process.stderr.write('Press Ctrl-C to stop.\n');
  if (o.open) openInBrowser(url, (message) => process.stderr.write(`rnn-studio serve: ${message}\n`));

  await new Promise<void>((done) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      void server.close().then(done, done);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
