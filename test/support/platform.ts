import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../src/infra/processes';
import { eventually } from '../outbound.support';
import { alive, readRuntime } from './processes';

export interface Seed {
  apiUrl: string;
  sandboxUrl: string;
  workspaceId: string;
  keys: { admin: string; agent: string };
}

export interface Platform {
  dataDir: string;
  seed: Seed;
  /** Everything `npm start` printed so far. */
  output(): string;
  /** The pid of one of its children now (a restarted one has a new pid). */
  pidOf(name: string): number | undefined;
  stop(): Promise<void>;
}

/**
 * The whole platform as `npm start` runs it, with its own Temporal and database in a temp folder
 * (so that they can be killed), ready once it printed its seed.
 */
export async function startPlatform(name: string, env: NodeJS.ProcessEnv = {}): Promise<Platform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `sms-channel-${name}-`));
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    API_PORT: String(await freePort()),
    TEMPORAL_TASK_QUEUE: `${name}-${randomBytes(4).toString('hex')}`,
    SMTP_URL: 'smtp://127.0.0.1:9',
    SUPERVISOR_BACKOFF_MS: '200',
    WEBHOOK_HEALTH_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'warn',
    ...env,
  };
  // npm start's own servers, so that they can be killed.
  delete full.TEMPORAL_ADDRESS;
  delete full.MONGODB_URI;
  let output = '';
  const main: ChildProcess = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, '../../src/main.ts')], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  main.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  main.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await eventually('npm start to be ready', async () => /\{"workspaceId".*\}/.test(output), 180_000, 250).catch((err) => {
    throw new Error(`${(err as Error).message}\n${output}`);
  });
  return {
    dataDir,
    seed: JSON.parse(/(\{"workspaceId".*\})/.exec(output)![1]) as Seed,
    output: () => output,
    pidOf: (child) => readRuntime(dataDir).processes?.[child],
    async stop() {
      if (main.exitCode === null) {
        const pids = Object.values(readRuntime(dataDir).processes ?? {});
        main.kill('SIGINT');
        await Promise.race([new Promise((r) => main.once('exit', r)), new Promise((r) => setTimeout(r, 20_000))]);
        for (const p of pids) if (p && alive(p)) process.kill(p, 'SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
