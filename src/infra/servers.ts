import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProcess, waitForPort, type Managed } from './processes';

const run = promisify(execFile);
const TOOLS_SCRIPT = path.resolve(__dirname, '../../scripts/tools.sh');

/** Path of a cached tool binary, built with `go install` on first use (scripts/tools.sh). */
export async function toolPath(tool: 'temporal' | 'ferretdb'): Promise<string> {
  try {
    const { stdout } = await run('bash', [TOOLS_SCRIPT, tool], { maxBuffer: 1 << 20 });
    return stdout.trim().split('\n').pop()!;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`could not provide ${tool}: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

export async function onPath(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('bash', ['-c', `command -v ${binary}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface RunningServer {
  process: Managed;
  stop(): Promise<void>;
}

export interface TemporalServer extends RunningServer {
  address: string;
  uiUrl?: string;
}

/** The Temporal CLI dev server. With a dbFile its state survives restarts. */
export async function startTemporal(options: {
  port?: number;
  uiPort?: number | null; // null: headless
  dbFile?: string;
  log?: (line: string) => void;
}): Promise<TemporalServer> {
  const binary = await toolPath('temporal');
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  let uiUrl: string | undefined;
  if (options.uiPort === null) args.push('--headless');
  else {
    const uiPort = options.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  // Metrics would take another fixed port; the dev server doesn't need them.
  args.push('--metrics-port', String(await freePort()));
  const proc = startProcess('temporal', binary, args, { onOutput: options.log });
  await waitForPort('127.0.0.1', port, { process: proc, timeoutMs: 90_000 });
  return { process: proc, address: `127.0.0.1:${port}`, uiUrl, stop: () => proc.stop() };
}

export interface MongoServer extends RunningServer {
  uri: string;
  engine: 'mongod' | 'ferretdb';
}

const SQLITE_POOL_SIZE = 16;

/**
 * A local MongoDB-compatible server: mongod when it is on PATH, else FerretDB on SQLite (no other
 * service), built by scripts/tools.sh with MongoDB's single-document atomicity for updates and its
 * `_id` index in use. (FerretDB's PostgreSQL backend loses concurrent updates the same way, is 5–10×
 * slower by `_id` and stalled under bursts: it is not offered.)
 */
export async function startMongo(options: { dataDir: string; port?: number; database: string; log?: (line: string) => void }): Promise<MongoServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const mongod = await onPath('mongod');
  if (mongod) {
    const proc = startProcess('mongod', mongod, ['--dbpath', options.dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], {
      onOutput: options.log,
    });
    await waitForPort('127.0.0.1', port, { process: proc, timeoutMs: 30_000 });
    return { process: proc, engine: 'mongod', uri: `mongodb://127.0.0.1:${port}/${options.database}`, stop: () => proc.stop() };
  }

  const sqliteDir = path.join(options.dataDir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });
  const proc = startProcess(
    'ferretdb',
    await toolPath('ferretdb'),
    [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${options.dataDir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { onOutput: options.log },
  );
  await waitForPort('127.0.0.1', port, { process: proc, timeoutMs: 30_000 });
  return {
    process: proc,
    engine: 'ferretdb',
    // SQLite takes one writer at a time and makes the others sleep and retry: fewer connections
    // queue in the driver instead (measured at 100 webhooks/s: p99 1.5 s with 16, 4.3 s with 100).
    uri: `mongodb://127.0.0.1:${port}/${options.database}?maxPoolSize=${SQLITE_POOL_SIZE}`,
    stop: () => proc.stop(),
  };
}
