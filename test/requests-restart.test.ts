import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startApi } from '../src/server';
import { createWorker } from '../src/worker';
import { createProvider } from '../src/provider';
import { eventually } from './support/eventually';
import { PLATFORM_ACCOUNT, call, createTestWorkspace, startStack, supportKey, type Stack } from './support/stack';

/** The sandbox holds every numbers call this long: the purchase is in flight when the worker dies. */
const BUY_LATENCY_MS = 2500;

/**
 * A worker in its own process (`node --import tsx src/worker.ts`), so it can be killed outright.
 * Resolves once it polls; `onLine` sees each of its JSON log lines.
 */
async function spawnWorker(env: Record<string, string>, onLine: (entry: { msg?: string; [k: string]: unknown }) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line) as { msg?: string };
      } catch {
        return; // not a log line
      }
      if (entry.msg === 'worker running') resolve();
      onLine(entry);
    });
  });
  await ready;
  return child;
}

describe('Custom-number requests when the worker dies during provisioning', function () {
  this.timeout(120_000);
  let stack: Stack;
  let child: ChildProcess | undefined;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await stack?.stop();
  });

  it('then the restarted worker finds the purchase of the dead one: exactly one number is bought', async () => {
    // Workflows of this API go to a task queue that only the workers of this test serve.
    const taskQueue = `restart-${randomBytes(6).toString('hex')}`;
    const config = { ...stack.config, API_PORT: 0, TEMPORAL_TASK_QUEUE: taskQueue };
    const api = await startApi(config);
    let worker: Awaited<ReturnType<typeof createWorker>> | undefined;
    let running: Promise<void> | undefined;
    try {
      const ws = await createTestWorkspace();
      const support = await supportKey();

      let buying: (() => void) | undefined;
      const buyStarted = new Promise<void>((resolve) => (buying = resolve));
      child = await spawnWorker(
        {
          MONGODB_URI: process.env.MONGODB_URI!,
          TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
          TEMPORAL_TASK_QUEUE: taskQueue,
          TWILIO_ACCOUNT_SID: config.TWILIO_ACCOUNT_SID,
          TWILIO_AUTH_TOKEN: config.TWILIO_AUTH_TOKEN,
          SANDBOX_URL: config.SANDBOX_URL!,
          SMTP_URL: config.SMTP_URL,
          PUBLIC_URL: config.PUBLIC_URL ?? api.url,
          LOG_LEVEL: 'info',
        },
        (entry) => {
          if (entry.msg === 'buying number') buying!();
        },
      );

      const created = await call(api.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'local', areaCode: '312' } });
      assert.equal(created.status, 202);
      const id: string = created.body.id;
      await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { latencyMs: { numbers: BUY_LATENCY_MS } } });
      // The sandbox runs in this process: note when each numbers call it holds came in.
      const faults = stack.sandbox.carrier.faults;
      const latency = faults.latency.bind(faults);
      const held: number[] = [];
      faults.latency = (route) => {
        if (route === 'numbers') held.push(Date.now());
        return latency(route);
      };
      assert.equal((await call(api.url, 'POST', `/v1/support/number-requests/${id}/approve`, { key: support, body: {} })).status, 200);

      await buyStarted;
      // The calls before the purchase (look for an earlier one, search) were answered before it
      // began, so a call the sandbox still holds now is the purchase: it is on the wire.
      await eventually('the sandbox to hold the purchase', () => held.some((at) => Date.now() < at + BUY_LATENCY_MS), 5000, 10);
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      child = undefined;

      // The dead worker's purchase still went through at the provider.
      const [boughtByDead] = await eventually(
        'the in-flight purchase to reach the sandbox',
        () => {
          const bought = stack.sandbox.carrier.numbers.list({ friendlyName: id });
          return bought.length > 0 && bought;
        },
        BUY_LATENCY_MS + 5000,
        50,
      );
      faults.latency = latency;
      await call(stack.sandbox.url, 'DELETE', '/sandbox/faults');

      worker = await createWorker(config);
      running = worker.worker.run();
      let last: { status?: string; timeline?: Array<{ step: string }>; number?: { e164: string } } = {};
      const view = await eventually(
        () => `the request to complete; it is ${last.status}: ${JSON.stringify(last.timeline)}`,
        async () => {
          last = (await call(api.url, 'GET', `/v1/support/number-requests/${id}`, { key: support })).body;
          return last.status === 'completed' && last.timeline?.at(-1)?.step === 'requester_notified' && last;
        },
        60_000,
      );

      const provider = createProvider({ ...PLATFORM_ACCOUNT, baseUrl: stack.sandbox.url });
      const atProvider = await provider.findNumbers({ friendlyName: id });
      assert.deepEqual(atProvider.map((n) => n.sid), [boughtByDead.sid]);
      assert.equal(view.number?.e164, boughtByDead.phoneNumber);
      const all312 = stack.sandbox.carrier.numbers.list().filter((n) => n.phoneNumber.startsWith('+1312'));
      assert.equal(all312.length, 1);
    } finally {
      worker?.worker.shutdown();
      await running;
      await worker?.connection.close();
      await api.close();
    }
  });
});

