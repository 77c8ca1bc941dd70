import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startApi } from '../src/server';
import { freePort } from '../src/infra/processes';
import { alive, readRuntime } from './support/processes';
import { call, startStack, type Stack } from './support/stack';
import { eventually } from './support/eventually';
import { useServers } from './support/global-servers';

describe('Readiness', function () {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' } });
  });
  after(async () => stack?.stop());

  describe('when no worker polls the task queue the API starts work on', () => {
    it('then /readyz answers 503 with the worker check false, while the database and Temporal answer', async () => {
      const lonely = await startApi({ ...stack.config, API_PORT: 0, TEMPORAL_TASK_QUEUE: `nobody-polls-${randomBytes(4).toString('hex')}` });
      try {
        const res = await call(lonely.url, 'GET', '/readyz');
        assert.equal(res.status, 503);
        assert.deepEqual(res.body, { status: 'not_ready', checks: { mongodb: true, temporal: true, worker: false } });
      } finally {
        await lonely.close();
      }
      const ours = await call(stack.url, 'GET', '/readyz');
      assert.equal(ours.status, 200);
      assert.deepEqual(ours.body.checks, { mongodb: true, temporal: true, worker: true });
    });
  });
});

describe('npm start’s supervisor', function () {
  this.timeout(240_000);
  let dataDir: string;
  let main: ChildProcess;
  let output = '';
  let apiUrl: string;
  let adminKey: string;

  const runtime = () => readRuntime(dataDir);
  const pid = (name: string) => runtime().processes![name]!;
  const ready = async () => (await fetch(`${apiUrl}/readyz`).catch(() => undefined))?.status === 200;

  before(async function () {
    await useServers();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sms-channel-supervisor-'));
    const apiPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      // Temporal is the suite's; the database, the sandbox, the API and the worker are npm start's own.
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: `supervised-${randomBytes(4).toString('hex')}`,
      SMTP_URL: 'smtp://127.0.0.1:9',
      SUPERVISOR_BACKOFF_MS: '200',
      LOG_LEVEL: 'warn',
      WEBHOOK_HEALTH_INTERVAL_SECONDS: '0',
    };
    delete env.MONGODB_URI;
    main = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, '../src/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    main.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    main.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually('npm start to be ready', async () => output.includes('is ready in') && /\{"workspaceId".*\}/.test(output), 150_000, 250).catch((err) => {
      throw new Error(`${(err as Error).message}\n${output}`);
    });
    const seed = JSON.parse(/(\{"workspaceId".*\})/.exec(output)![1]);
    apiUrl = seed.apiUrl;
    adminKey = seed.keys.admin;
  });

  after(async () => {
    if (main && main.exitCode === null) {
      main.kill('SIGKILL');
      for (const p of Object.values(runtime().processes ?? {})) if (p && alive(p)) process.kill(p, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const name of ['worker', 'api', 'database', 'sandbox']) {
    it(`when the ${name} is killed (-9), then it alone is restarted, logged, and the platform is ready again`, async () => {
      const before = runtime().processes!;
      process.kill(before[name]!, 'SIGKILL');
      await eventually(`${name} restarted`, async () => pid(name) !== before[name] && alive(pid(name)), 60_000, 100);
      assert.match(output, new RegExp(`${name} stopped unexpectedly \\(SIGKILL\\); restarting it`));
      assert.match(output, new RegExp(`${name} restarted \\(pid ${pid(name)}\\)`));
      for (const [other, p] of Object.entries(before)) if (other !== name) assert.equal(pid(other), p, `${other} kept running`);
      await eventually('ready again', ready, 60_000, 200);
      // Reads through the whole chain: API → database.
      await eventually('the API to read the database', async () => (await call(apiUrl, 'GET', '/v1/me', { key: adminKey })).status === 200, 30_000, 200);
    });
  }

  it('when npm start gets Ctrl-C (SIGINT), then it stops every child and exits 0', async () => {
    const pids = Object.values(runtime().processes!) as number[];
    main.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => main.once('exit', (c) => resolve(c)));
    assert.equal(code, 0);
    for (const p of pids) assert.equal(alive(p), false, `child ${p} still running`);
  });
});
