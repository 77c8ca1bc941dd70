/**
 * `npm start`: the whole platform on embedded defaults — the Temporal dev server (with its web UI),
 * FerretDB on SQLite (or a mongod on PATH), the sandbox carrier, a local mail outbox, the API and
 * the worker — with state in the data folder, so a second start picks up where the first stopped.
 * TEMPORAL_ADDRESS / MONGODB_URI / TWILIO_* / SMTP_URL, when set, replace the embedded servers.
 * A child that dies is restarted (src/infra/supervisor.ts); Ctrl-C stops every process it started.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ACCOUNT } from './sandbox/accounts';
import { loadConfig, ConfigError, type Config } from './config';
import { connectDatabase, disconnectDatabase } from './db/connect';
import { createProviderDirectory } from './provider/directory';
import { ensureDemoWorkspace, ensureSharedPool, issueDemoKeys } from './seed';
import { startMongo, startTemporal } from './infra/servers';
import { freePort, portOpen, startProcess, waitForPort, type Managed } from './infra/processes';
import { dataDir, writeRuntime, type RuntimeInfo } from './infra/runtime';
import { Supervisor, type Running } from './infra/supervisor';
import { startMailOutbox } from './mail/outbox';

const started = Date.now();
const say = (line: string) => process.stdout.write(`${line}\n`);
let runtime: Omit<RuntimeInfo, 'processes'> | undefined;
const supervisor = new Supervisor({
  say: (line) => say(`[${new Date().toISOString()}] ${line}`),
  backoffMs: Number(process.env.SUPERVISOR_BACKOFF_MS ?? 1000),
  // The children's pids, for `npm run seed` and for whoever wants to signal one of them.
  onChange: () => runtime && writeRuntime({ ...runtime, processes: supervisor.pids() }),
});
let outbox: { close(): Promise<void> } | undefined;

/** The usual port when it is free, another free one when it is taken (a second platform, say). */
async function port(preferred: number): Promise<number> {
  return (await portOpen('127.0.0.1', preferred)) ? freePort() : preferred;
}

function logFile(name: string) {
  const dir = path.join(dataDir(), 'logs');
  mkdirSync(dir, { recursive: true });
  const stream = createWriteStream(path.join(dir, `${name}.log`), { flags: 'a' });
  return (line: string) => stream.write(`${line}\n`);
}

/** One of our Node processes; up once it listens on `listens` (the worker listens on nothing). */
function node(name: string, script: string, env: () => NodeJS.ProcessEnv, listens?: number): () => Promise<Running> {
  return async () => {
    const proc: Managed = startProcess(name, process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, script)], {
      env: env(),
      cwd: path.join(__dirname, '..'),
      onOutput: logFile(name),
    });
    if (listens !== undefined) await waitForPort('127.0.0.1', listens, { process: proc });
    return { process: proc, stop: () => proc.stop() };
  };
}

async function main() {
  const data = dataDir();
  say(`sms-channel: starting on embedded defaults (data in ${data}) ...`);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  const urls: Record<string, string> = {};

  const useTwilio = Boolean(process.env.TWILIO_ACCOUNT_SID && process.env.TWILIO_AUTH_TOKEN && !process.env.SANDBOX_URL);
  const apiPort = Number(process.env.API_PORT ?? (await port(3000)));
  const apiUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${apiPort}`;
  env.API_PORT = String(apiPort);
  env.PUBLIC_URL = apiUrl;
  env.CONSOLE_URL ??= apiUrl;
  // Assigned once, after the supervisor (whose restart hook reads it) is set up: const would be read before it is made.
  // eslint-disable-next-line prefer-const
  let config: Config | undefined;

  // Each child keeps its port and data across restarts, so the others' settings stay right.
  await Promise.all([
    (async () => {
      if (env.TEMPORAL_ADDRESS) return;
      const [temporalPort, uiPort] = [await port(7233), await port(8233)];
      const temporal = await supervisor.add('temporal', () =>
        startTemporal({ port: temporalPort, uiPort, dbFile: path.join(data, 'temporal', 'temporal.db'), log: logFile('temporal') }),
      );
      env.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
      urls['Temporal UI'] = temporal.uiUrl!;
    })(),
    (async () => {
      if (env.MONGODB_URI) return;
      const dbPort = await port(27017);
      const mongo = await supervisor.add('database', () =>
        startMongo({
          dataDir: path.join(data, 'db'),
          port: dbPort,
          database: 'sms_channel',
          log: logFile('mongo'),
        }),
      );
      env.MONGODB_URI = mongo.uri;
    })(),
    (async () => {
      if (env.SMTP_URL) return;
      const mail = await startMailOutbox({ dir: path.join(data, 'outbox'), smtpPort: await port(1025), httpPort: await port(1080) });
      outbox = mail;
      env.SMTP_URL = mail.smtpUrl;
      urls['Mail outbox'] = mail.webUrl;
    })(),
    (async () => {
      if (useTwilio) return;
      const sandboxPort = await port(4010);
      env.TWILIO_ACCOUNT_SID ??= DEFAULT_ACCOUNT.accountSid;
      env.TWILIO_AUTH_TOKEN ??= DEFAULT_ACCOUNT.authToken;
      const startSandbox = node('sandbox', 'sandbox/server.ts', () => ({
        ...env,
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_ACCOUNTS: `${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`,
      }), sandboxPort);
      await supervisor.add('sandbox', async () => {
        const sandbox = await startSandbox();
        // The sandbox keeps its numbers in memory: after a restart the shared pool is registered again.
        if (config) await ensureSharedPool(config, createProviderDirectory(config), POOL).catch((err: Error) => say(`shared pool not registered again: ${err.message}`));
        return sandbox;
      });
      env.SANDBOX_URL = `http://127.0.0.1:${sandboxPort}`;
      urls['Sandbox carrier (play the customer)'] = `${env.SANDBOX_URL}/sandbox`;
    })(),
  ]);

  config = loadConfig(env);
  await connectDatabase(config.MONGODB_URI);
  const workspaceId = await ensureDemoWorkspace();
  await ensureSharedPool(config, createProviderDirectory(config), POOL);
  const keys = await issueDemoKeys(workspaceId);

  await supervisor.add('worker', node('worker', 'worker.ts', () => env));
  await supervisor.add('api', node('api', 'server.ts', () => env, apiPort));
  await waitUntilReady(apiUrl);
  runtime = { apiUrl, sandboxUrl: env.SANDBOX_URL ?? null, mongodbUri: config.MONGODB_URI, temporalAddress: config.TEMPORAL_ADDRESS, pid: process.pid };
  writeRuntime({ ...runtime, processes: supervisor.pids() });

  const seed = { workspaceId, apiUrl, sandboxUrl: env.SANDBOX_URL ?? null, keys };
  say(`\nsms-channel is ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const rows: Array<[string, string]> = [
    ['Console', `${apiUrl}/  (sign in with a key below)`],
    ['API reference', `${apiUrl}/docs`],
    ...Object.entries(urls),
    ['Logs', path.join(data, 'logs')],
  ];
  // The widest name sets the column, so a long one still has room before its URL.
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  for (const [name, value] of rows) say(`  ${name.padEnd(width)}${value}`);
  say(`\n  Demo workspace ${workspaceId}`);
  say(`    admin key    ${keys.admin}`);
  say(`    agent key    ${keys.agent}`);
  say(`    support key  ${keys.support}`);
  say(`\n  Try: curl -H "Authorization: Bearer ${keys.admin}" ${apiUrl}/v1/workspaces/${workspaceId}/sms/numbers`);
  say(`\n${JSON.stringify(seed)}`);
  say('\nA process that stops is restarted; Ctrl-C stops everything.');
}

const POOL = { local: 3, toll_free: 2 };

async function waitUntilReady(apiUrl: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${apiUrl}/readyz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API at ${apiUrl} did not become ready within 60 s`);
}

let shuttingDown = false;
async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('\nstopping ...');
  await supervisor.stopAll();
  await outbox?.close().catch(() => undefined);
  await disconnectDatabase().catch(() => undefined);
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch((err) => {
  say(`\nsms-channel could not start: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
