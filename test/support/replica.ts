import path from 'node:path';
import { freePort, startProcess, waitForPort } from '../../src/infra/processes';
import type { Stack } from './stack';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A second API process of the stack (`src/server.ts`, as a deployment runs its replicas): the same
 * configuration and public URL, its own port. Nothing in memory is shared with the stack's API, so
 * what two replicas race over is decided by the database alone.
 */
export async function startApiReplica(stack: Stack): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const output: string[] = [];
  const proc = startProcess('api-replica', process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server.ts')], {
    env: { ...stack.env, API_PORT: String(port) },
    cwd: ROOT,
    onOutput: (line) => output.push(line),
  });
  try {
    await waitForPort('127.0.0.1', port, { process: proc, timeoutMs: 60_000 });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${output.slice(-20).join('\n')}`);
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.stop() };
}
