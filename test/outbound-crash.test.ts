import assert from 'node:assert/strict';
import path from 'node:path';
import { startProcess, type Managed } from '../src/infra/processes';
import { workflowIds } from '../src/temporal/names';
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
    const { ws, number } = await connectedWorkspace(stack, { rate: 10 });
    // Slow creates keep requests in flight long enough to die in the middle of one.
    await call(stack.sandbox.url, 'POST', '/sandbox/faults', { body: { latencyMs: { create: 1500 } } });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await sendSms(stack, ws, randomRecipient(), `crash ${i}`)).body.id);

    const identity = `${doomed.child.pid}@`;
    const victim = await eventually(
      'a send running on the worker process',
      async () => {
        for (const id of ids) {
          const d = await stack.temporal.workflow.getHandle(workflowIds.outboundMessage(id)).describe();
          const pending = d.raw.pendingActivities ?? [];
          const sending = (name?: string | null) => name === 'sendMessageNow' || name === 'sendMessageWhenDue';
          if (pending.some((a) => sending(a.activityType?.name) && a.lastWorkerIdentity?.startsWith(identity))) return id;
        }
        return undefined;
      },
      30_000,
      50,
    );
    // Past the send's wait for its slot, into the provider call (the attempt is written just before it).
    await eventually('the provider call to start', async () => Boolean((await Message.findById(victim, { sendAttemptAt: 1 }).lean())?.sendAttemptAt), 30_000, 20);
    doomed.child.kill('SIGKILL');
    workers.push(await startWorkerProcess(stack));

    await settle(stack, ws, ids, ['delivered'], 90_000);
    const sent = await carrierMessages(stack, number.e164);
    assert.equal(sent.length, 10);
    assert.ok([...countByBody(sent).values()].every((n) => n === 1), 'a message reached the carrier twice');

    const history = await stack.temporal.workflow.getHandle(workflowIds.outboundMessage(victim)).fetchHistory();
    const sendAttempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
    assert.ok(Math.max(...sendAttempts) >= 2, 'the killed send was retried by another worker');
  });
});
