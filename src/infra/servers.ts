import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  engine: 'mongod' | 'ferretdb-sqlite' | 'ferretdb-postgresql';
}

export type FerretBackend = 'sqlite' | 'postgresql' | 'auto';

const SQLITE_POOL_SIZE = 16;

/**
 * A local MongoDB-compatible server: mongod when it is on PATH, else FerretDB — on SQLite (no other
 * service), or on Debian's PostgreSQL. FerretDB on SQLite answers lookups by `_id` from the index
 * (with the fix scripts/tools.sh builds in) but scans for any other field; PostgreSQL's indexes
 * serve those too. `auto` takes PostgreSQL when its server binaries are installed.
 */
export async function startMongo(options: {
  dataDir: string;
  port?: number;
  database: string;
  backend?: FerretBackend;
  log?: (line: string) => void;
}): Promise<MongoServer> {
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

  const backend = options.backend ?? 'sqlite';
  const pgBin = backend === 'sqlite' ? undefined : postgresBinDir();
  if (backend === 'postgresql' && !pgBin) {
    throw new Error('FERRETDB_BACKEND=postgresql, but no PostgreSQL server is installed (apt-get install postgresql)');
  }
  const postgres = pgBin ? await startPostgres(pgBin, path.join(options.dataDir, 'postgresql'), options.log) : undefined;
  const handlerArgs = postgres
    ? ['--handler=postgresql', `--postgresql-url=${postgres.url}`]
    : ['--handler=sqlite', `--sqlite-url=file:${mkdirp(path.join(options.dataDir, 'sqlite'))}/`];
  const proc = startProcess(
    'ferretdb',
    await toolPath('ferretdb'),
    [...handlerArgs, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${options.dataDir}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error'],
    { onOutput: options.log },
  );
  await waitForPort('127.0.0.1', port, { process: proc, timeoutMs: 30_000 });
  return {
    process: proc,
    engine: postgres ? 'ferretdb-postgresql' : 'ferretdb-sqlite',
    // SQLite takes one writer at a time and makes the others sleep and retry: fewer connections
    // queue in the driver instead (measured at 100 webhooks/s: p99 1.5 s with 16, 4.3 s with 100).
    uri: `mongodb://127.0.0.1:${port}/${options.database}${postgres ? '' : `?maxPoolSize=${SQLITE_POOL_SIZE}`}`,
    async stop() {
      await proc.stop();
      await postgres?.stop();
    },
  };
}

const mkdirp = (dir: string) => {
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** Debian's PostgreSQL server binaries, newest version first; undefined when none is installed. */
function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

/**
 * A private PostgreSQL cluster in dataDir for FerretDB. PostgreSQL refuses to run as root, so as
 * root it runs as the `postgres` user (setpriv execs in place: signals reach the server itself).
 */
async function startPostgres(bin: string, dataDir: string, log?: (line: string) => void) {
  const asRoot = process.getuid?.() === 0;
  const asUser = (command: string, args: string[]) =>
    asRoot ? { command: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args] } : { command, args };
  mkdirSync(dataDir, { recursive: true });
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(dataDir, uid, gid);
    // The folders above must be traversable by that user (mkdtemp makes them 0700).
    for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o011);
    }
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const init = asUser(path.join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await run(init.command, init.args);
  }
  const port = await freePort();
  // FerretDB opens a PostgreSQL connection per busy client connection: bursts need more than 100.
  const server = asUser(path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-k', dataDir,
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'max_connections=400',
    '-c', 'synchronous_commit=off',
  ]);
  const proc = startProcess('postgresql', server.command, server.args, { onOutput: log });
  await waitForPort('127.0.0.1', port, { process: proc, timeoutMs: 30_000 });
  const create = asUser(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'ferretdb']);
  await run(create.command, create.args).catch((err: { stderr?: string }) => {
    if (!/already exists/.test(err.stderr ?? '')) throw err;
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/ferretdb`,
    // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for clients).
    stop: () => proc.stop('SIGINT'),
  };
}

function userIds(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user on this machine`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
