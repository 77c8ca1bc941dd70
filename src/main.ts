/**
 * `npm start`: the whole platform on embedded defaults — the Temporal dev server (with its web UI),
 * FerretDB on SQLite (or a mongod on PATH), the sandbox carrier, a local mail outbox, the API and
 * the worker — with state in the data folder, so a second start picks up where the first stopped.
 * TEMPORAL_ADDRESS / MONGODB_URI / TWILIO_* / SMTP_URL, when set, replace the embedded servers.
 * Ctrl-C stops every process it started.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ACCOUNT } from './sandbox/accounts';
import { loadConfig, ConfigError } from './config';
import { connectDatabase, disconnectDatabase } from './db/connect';
import { createProviderDirectory } from './provider/directory';
import { ensureDemoWorkspace, ensureSharedPool, issueDemoKeys } from './seed';
import { startMongo, startTemporal } from './infra/servers';
import { freePort, portOpen, startProcess, waitForPort, type Managed } from './infra/processes';
import { dataDir, writeRuntime } from './infra/runtime';
import { startMailOutbox } from './mail/outbox';

const started = Date.now();
const stops: Array<{ stop(): Promise<void> }> = [];
const say = (line: string) => process.stdout.write(`${line}\n`);

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

function node(name: string, script: string, env: NodeJS.ProcessEnv): Managed {
  const proc = startProcess(name, process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, script)], {
    env,
    cwd: path.join(__dirname, '..'),
    onOutput: logFile(name),
  });
  proc.child.once('exit', (code, signal) => {
    if (!shuttingDown) {
      say(`\n${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); see ${path.join(dataDir(), 'logs', `${name}.log`)}.`);
      void shutdown(1);
    }
  });
  stops.push(proc);
  return proc;
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

  await Promise.all([
    (async () => {
      if (env.TEMPORAL_ADDRESS) return;
      const temporal = await startTemporal({
        port: await port(7233),
        uiPort: await port(8233),
        dbFile: path.join(data, 'temporal', 'temporal.db'),
        log: logFile('temporal'),
      });
      stops.push(temporal);
      env.TEMPORAL_ADDRESS = temporal.address;
      urls['Temporal UI'] = temporal.uiUrl!;
    })(),
    (async () => {
      if (env.MONGODB_URI) return;
      const mongo = await startMongo({
        dataDir: path.join(data, 'db'),
        port: await port(27017),
        database: 'sms_channel',
        log: logFile('mongo'),
      });
      stops.push(mongo);
      env.MONGODB_URI = mongo.uri;
    })(),
    (async () => {
      if (env.SMTP_URL) return;
      const outbox = await startMailOutbox({ dir: path.join(data, 'outbox'), smtpPort: await port(1025), httpPort: await port(1080) });
      stops.push({ stop: () => outbox.close() });
      env.SMTP_URL = outbox.smtpUrl;
      urls['Mail outbox'] = outbox.webUrl;
    })(),
    (async () => {
      if (useTwilio) return;
      const sandboxPort = await port(4010);
      env.TWILIO_ACCOUNT_SID ??= DEFAULT_ACCOUNT.accountSid;
      env.TWILIO_AUTH_TOKEN ??= DEFAULT_ACCOUNT.authToken;
      const sandbox = node('sandbox', 'sandbox/server.ts', {
        ...env,
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_ACCOUNTS: `${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`,
      });
      await waitForPort('127.0.0.1', sandboxPort, { process: sandbox });
      env.SANDBOX_URL = `http://127.0.0.1:${sandboxPort}`;
      urls['Sandbox carrier (play the customer)'] = `${env.SANDBOX_URL}/sandbox`;
    })(),
  ]);

  const config = loadConfig(env);
  await connectDatabase(config.MONGODB_URI);
  const workspaceId = await ensureDemoWorkspace();
  await ensureSharedPool(config, createProviderDirectory(config), { local: 3, toll_free: 2 });
  const keys = await issueDemoKeys(workspaceId);
  await disconnectDatabase();

  const api = node('api', 'server.ts', env);
  node('worker', 'worker.ts', env);
  await waitForPort('127.0.0.1', apiPort, { process: api });
  await waitUntilReady(apiUrl);
  writeRuntime({ apiUrl, sandboxUrl: env.SANDBOX_URL ?? null, mongodbUri: config.MONGODB_URI, temporalAddress: config.TEMPORAL_ADDRESS, pid: process.pid });

  const seed = { workspaceId, apiUrl, sandboxUrl: env.SANDBOX_URL ?? null, keys };
  say(`\nsms-channel is ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  say(`  Console                     ${apiUrl}/  (sign in with a key below)`);
  say(`  API reference               ${apiUrl}/docs`);
  for (const [name, url] of Object.entries(urls)) say(`  ${name.padEnd(28)}${url}`);
  say(`  Logs                        ${path.join(data, 'logs')}`);
  say(`\n  Demo workspace ${workspaceId}`);
  say(`    admin key    ${keys.admin}`);
  say(`    agent key    ${keys.agent}`);
  say(`    support key  ${keys.support}`);
  say(`\n  Try: curl -H "Authorization: Bearer ${keys.admin}" ${apiUrl}/v1/workspaces/${workspaceId}/sms/numbers`);
  say(`\n${JSON.stringify(seed)}`);
  say('\nCtrl-C stops everything.');
}

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
  for (const s of [...stops].reverse()) await s.stop().catch(() => undefined);
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch((err) => {
  say(`\nsms-channel could not start: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
