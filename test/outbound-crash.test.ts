import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startProcess, type Managed } from '../src/infra/processes';
import { startTemporal, type TemporalServer } from '../src/infra/servers';
import { senderWorkflowId } from '../src/temporal/sender';
import { Message } from '../src/db/models';
import { call, startStack, type Stack } from './support/stack';
import { carrierMessages, connectedWorkspace, countByBody, eventually, randomRecipient, sendSms, settle } from './outbound.support';

/** A worker as production runs it: its own process (`src/worker.ts`), with the stack's configuration. */
async function startWorkerProcess(stack: Stack): Promise<Managed> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(stack.config)) if (v !== undefined) env[k] = String(v);
  env.LOG_LEVEL = 'info';
  let ready = false;
  const worker = startProcess('worker', process.execPath, ['-r', 'tsx/cjs', 'src/worker.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env,
    onOutput: (line) => {
      if (line.includes('worker running')) ready = true;
    },
  });
  await eventually('the worker process to start', async () => ready || worker.child.exitCode !== null, 90_000);
  assert.equal(worker.child.exitCode, null, 'the worker process exited at start');
  return worker;
}

/** Exactly once at the carrier: every accepted body there once, nothing else. */
async function assertExactlyOnce(stack: Stack, from: string, bodies: string[]) {
  const sent = await carrierMessages(stack, from);
  const counts = countByBody(sent);
  assert.deepEqual([...counts.keys()].sort(), [...bodies].sort(), 'the carrier has other messages than those accepted');
  assert.ok([...counts.values()].every((n) => n === 1), `a message reached the carrier twice: ${JSON.stringify([...counts].filter(([, n]) => n > 1))}`);
}

describe('outbound SMS when a worker process dies mid-send', function () {
  this.timeout(180_000);
  let stack: Stack;
  const workers: Managed[] = [];

  before(async () => {
    stack = await startStack({ env: { AMBIGUOUS_LOOKUP_GRACE_SECONDS: '1', MESSAGE_BACKOFF_SECONDS: '0.2' } });
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await stack?.stop();
  });

  it('then a new worker finishes its sends and the carrier has each message exactly once', async () => {
    const doomed = await startWorkerProcess(stack);
    workers.push(doomed);
    // Slow creates keep requests in flight long enough to die in the middle of one.
    await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { latencyMs: { create: 1500 } } });
    const identity = `${doomed.child.pid}@`;
    // The stack's own worker polls the same task queue: a number's batch lands on either, so numbers
    // are tried until one's batch runs on the process about to die.
    // Which worker polls first is not ours to choose; at worst one in two, so 20 tries miss about once in a million runs.
    const TRIES = 20;
    let target: { ws: Awaited<ReturnType<typeof connectedWorkspace>>['ws']; number: { id: string; e164: string }; ids: string[]; bodies: string[] } | undefined;
    for (let round = 0; round < TRIES && !target; round++) {
      const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
      const ids: string[] = [];
      const bodies: string[] = [];
      for (let i = 0; i < 10; i++) {
        bodies.push(`crash ${round}-${i}`);
        ids.push((await sendSms(stack, ws, randomRecipient(), `crash ${round}-${i}`)).body.id);
      }
      const sender = stack.temporal.workflow.getHandle(senderWorkflowId(number.id));
      const worker = await eventually(
        'a batch running, in the middle of a provider call',
        async () => {
          const running = ((await sender.describe()).raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'sendDue');
          // The attempt is written just before the create: one without a sid is a call in flight.
          return running && (await Message.exists({ _id: { $in: ids }, sendAttemptAt: { $exists: true }, providerSid: { $exists: false } })) && (running.lastWorkerIdentity ?? '?');
        },
        60_000,
        20,
      );
      if (String(worker).startsWith(identity)) target = { ws, number, ids, bodies };
    }
    assert.ok(target, `no batch ran on the worker process in ${TRIES} tries`);
    const { ws, number, ids, bodies } = target;
    const sender = stack.temporal.workflow.getHandle(senderWorkflowId(number.id));
    doomed.child.kill('SIGKILL');
    workers.push(await startWorkerProcess(stack));

    await settle(stack, ws, ids, ['delivered'], 90_000);
    await assertExactlyOnce(stack, number.e164, bodies);

    const history = await sender.fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
    assert.ok(Math.max(...attempts) >= 2, 'the killed batch was retried by another worker');
  });
});

describe('outbound SMS when the Temporal server is killed during a burst', function () {
  this.timeout(240_000);
  let stack: Stack;
  let temporal: TemporalServer;
  let port: number;
  let dataDir: string;

  const startServer = () => startTemporal({ port, uiPort: null, dbFile: path.join(dataDir, 'temporal.db') });

  before(async () => {
    // A server of its own (its state in a file, so it comes back with it): the suite's is shared.
    dataDir = mkdtempSync(path.join(tmpdir(), 'sms-channel-temporal-kill-'));
    port = await freePort();
    temporal = await startServer();
    stack = await startStack({ env: { TEMPORAL_ADDRESS: temporal.address, AMBIGUOUS_LOOKUP_GRACE_SECONDS: '1', MESSAGE_BACKOFF_SECONDS: '0.2' } });
  });
  after(async () => {
    await stack?.stop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('then, once it is back, every accepted message leaves exactly once and a refused one is queued by its repeat', async () => {
    const { ws, number } = await connectedWorkspace(stack, { rate: 5 });
    const to = randomRecipient();
    const accepted = new Map<string, string>(); // body → id
    const refused: string[] = [];
    const send = async (i: number) => {
      const body = `burst ${i}`;
      const res = await sendSms(stack, ws, to, body, `burst-${i}`);
      if (res.status === 202) accepted.set(body, res.body.id);
      else {
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'unavailable');
        refused.push(body);
      }
    };
    for (let i = 0; i < 15; i++) await send(i);
    // Killed while the sender has a queue and a batch in flight.
    await eventually('a message to have left', async () => (await carrierMessages(stack, number.e164)).length > 0, 30_000, 20);
    temporal.process.child.kill('SIGKILL');
    await new Promise((resolve) => temporal.process.child.once('exit', resolve));
    for (let i = 15; i < 20; i++) await send(i);
    temporal = await startServer();
    // The client repeats what was refused, with the same Idempotency-Key (as the 503 tells it to).
    for (const body of refused) {
      const i = Number(body.split(' ')[1]);
      const res = await eventually(`the repeat of ${body}`, async () => {
        const r = await sendSms(stack, ws, to, body, `burst-${i}`);
        return r.status === 202 && r;
      }, 60_000, 500);
      accepted.set(body, res.body.id);
    }
    assert.equal(accepted.size, 20);
    await settle(stack, ws, [...accepted.values()], ['delivered'], 120_000);
    await assertExactlyOnce(stack, number.e164, [...accepted.keys()]);
    // One recipient: the carrier got them in acceptance order, apart from those refused during the outage (queued by their repeat).
    const order = (await carrierMessages(stack, number.e164)).sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated) || a.sid.localeCompare(b.sid)).map((m) => Number(m.body.split(' ')[1]));
    const firstRun = order.filter((i) => !refused.includes(`burst ${i}`));
    assert.deepEqual(firstRun, [...firstRun].sort((a, b) => a - b), `order: ${order}`);
  });
});
