/**
 * Outbound SMS benchmark (not a test): queues N messages over K sender numbers of mixed types on
 * the sandbox carrier, in three runs (one worker process; two; two with 20% of creates answered
 * 429), and reports per run:
 *   - drain time / the carrier's minimum (total segments over the numbers' summed rates), the
 *     drain measured from the first request to the carrier sending the last message;
 *   - API accept latency p50/p99 at the given request rate, and how many requests got no answer
 *     (unanswered: sent again with their Idempotency-Key, as a client would);
 *   - pace: messages the carrier refused (30001 queue overflow) and messages it had to hold back
 *     because they arrived before the number's previous segment had left (> HOLD_MS);
 *   - duplicates and losses, from the carrier's ground truth (GET /sandbox/messages);
 *   - messages not at a final status (delivered, undelivered, failed, expired) 30 s after the drain;
 *   - per message, from the first request to the end of those 30 s: database commands (serverStatus),
 *     Temporal history events (every run of every workflow on the run's task queue), and CPU
 *     milliseconds of each process (API, workers, Temporal, database; "bench" is this process: the
 *     load generator and the sandbox carrier).
 * With DB_PROFILE=1 the API and workers print their database time per command at exit (prefixed
 * [api] / [worker-N]).
 *
 *   npx tsx scripts/bench-outbound.ts [--messages 2000] [--numbers 20] [--rate 100] [--runs one,two,throttled] [--profile DIR]
 *
 * Starts its own Temporal dev server and MongoDB-compatible server in a temp folder (or uses
 * TEMPORAL_ADDRESS / MONGODB_URI), the API and the workers as child processes, the sandbox in this
 * process; loopback only; everything is stopped at the end. Bounded: at most MAX_IN_FLIGHT requests
 * outstanding, and each run gives up after its deadline.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, startProcess, waitForPort } from '../src/infra/processes';
import { Message } from '../src/db/models';
import { startSandbox, type RunningSandbox } from '../src/sandbox';
import { measureBody } from '../src/messaging/segments';
import { Connection, Client } from '@temporalio/client';
import { arg, commandsPer, percentile, runBench, serverCommandCounts, startBenchServers } from './bench-stack';
import { cpuSecondsOfTree } from './cpu-time';
import { ACCOUNT, createSenders, platformEnv, reportChildLine, sleep, startWorkers, type Env, type Sender } from './bench-outbound-platform';

const MAX_IN_FLIGHT = 500;
const MAX_UNANSWERED = 5000;
/** A message the carrier held longer than this before sending arrived ahead of its number's pace. */
const HOLD_MS = 250;

async function runOnce(env: Env, opts: { run: string; workers: number; throttle: number; messages: number; numbers: number; rate: number }) {
  const taskQueue = `bench-${opts.run}-${randomBytes(3).toString('hex')}`;
  // The API reads its task queue from its configuration: one API per run.
  // --profile DIR: the API and the workers write V8 CPU profiles there when they stop (open them in Chrome's DevTools).
  const profileDir = arg('profile', '');
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  const apiProc = startProcess('api', process.execPath, [...profiling, '-r', 'tsx/cjs', path.resolve(__dirname, '../src/server.ts')], {
    env: platformEnv(env, taskQueue),
    onOutput: (line) => reportChildLine('api', line),
  });
  await waitForPort('127.0.0.1', env.apiPort, { process: apiProc, timeoutMs: 60_000 });
  const workers = await startWorkers(opts.workers, platformEnv(env, taskQueue), profiling);
  try {
    env.sandbox.carrier.faults.set(opts.throttle > 0 ? { seed: 11, errorRates: { '429': opts.throttle }, retryAfterSeconds: 1 } : {});
    const senders = await createSenders(env, opts.numbers, opts.run);
    const summed = senders.reduce((a, s) => a + s.rate, 0);
    // Messages per number in proportion to its rate: the carrier's minimum is then reachable by every number at once.
    const plan: Array<{ sender: Sender; body: string; to: string }> = [];
    let segments = 0;
    senders.forEach((sender, si) => {
      const share = Math.round((opts.messages * sender.rate) / summed);
      for (let i = 0; i < share; i++) {
        const body = `${opts.run} ${si}-${i} `.padEnd(i % 10 === 9 ? 200 : 40, 'x'); // every tenth takes two segments
        segments += measureBody(body).segments;
        plan.push({ sender, body, to: `+1415${2 + (i % 8)}${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}` });
      }
    });
    // Interleave numbers, as many agents would.
    plan.sort(() => Math.random() - 0.5);

    const cpu = () => ({
      api: cpuSecondsOfTree(apiProc.child.pid!),
      workers: workers.reduce((a, w) => a + cpuSecondsOfTree(w.child.pid!), 0),
      temporal: env.temporalPid ? cpuSecondsOfTree(env.temporalPid) : 0,
      database: env.dbPid ? cpuSecondsOfTree(env.dbPid) : 0,
      bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    });
    const cpuBefore = cpu();
    const commandsBefore = await serverCommandCounts();
    const latencies: number[] = [];
    const ids: string[] = [];
    const acceptedBodies = new Set<string>();
    let refusedByApi = 0;
    let unanswered = 0;
    let inFlight = 0;
    const started = Date.now();
    const interval = 1000 / opts.rate;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < plan.length; i++) {
      const due = started + i * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight >= MAX_IN_FLIGHT) await sleep(5);
      const { sender, body, to } = plan[i];
      inFlight++;
      sends.push(
        (async () => {
          const t = performance.now();
          // As the README asks of clients: a request that got no answer (here, a connection the
          // overloaded API did not accept within undici's 10 s) is sent again with its key.
          let res: Response | undefined;
          while (!res) {
            res = await fetch(`${env.apiUrl}/v1/workspaces/${sender.workspaceId}/messages`, {
              method: 'POST',
              headers: { authorization: `Bearer ${sender.key}`, 'content-type': 'application/json', 'idempotency-key': `${opts.run}-${i}` },
              body: JSON.stringify({ channel: 'sms', to, body }),
            }).catch(() => {
              if (++unanswered > MAX_UNANSWERED) throw new Error(`more than ${MAX_UNANSWERED} requests got no answer`);
              return undefined;
            });
          }
          const json = (await res.json()) as { id?: string };
          latencies.push(performance.now() - t);
          if (res.status === 202 && json.id) {
            ids.push(json.id);
            acceptedBodies.add(body);
          } else refusedByApi++;
          inFlight--;
        })(),
      );
    }
    await Promise.all(sends);
    const acceptSeconds = (Date.now() - started) / 1000;

    const minimumSeconds = segments / summed;
    const deadline = Date.now() + Math.max(120_000, minimumSeconds * 4000);
    // A request the API refused (reported apart) is not a loss: the agent was told.
    const expected = acceptedBodies;
    const fromNumbers = new Set(senders.map((s) => s.e164));
    let outbound = env.sandbox.carrier.store.list().filter((m) => fromNumbers.has(m.from) && m.direction === 'outbound-api');
    while (Date.now() < deadline) {
      outbound = env.sandbox.carrier.store.list().filter((m) => fromNumbers.has(m.from) && m.direction === 'outbound-api');
      const sentBodies = new Set(outbound.filter((m) => m.dateSent !== null || m.status === 'failed').map((m) => m.body));
      if ([...expected].every((b) => sentBodies.has(b))) break;
      await sleep(200);
    }
    const lastSent = Math.max(...outbound.map((m) => m.dateSent ?? 0));
    const drainSeconds = (lastSent - started) / 1000;
    const counts = new Map<string, number>();
    for (const m of outbound) counts.set(m.body, (counts.get(m.body) ?? 0) + 1);
    // Status callbacks (and the sender's final-status check) are part of the load: 30 s after the
    // drain, what is not final is reported, and the cost counts up to then.
    const unfinished = () => Message.countDocuments({ _id: { $in: ids }, status: { $in: ['accepted', 'queued', 'sending', 'sent'] } });
    const settleBy = Date.now() + 30_000;
    let notFinished = await unfinished();
    while (notFinished > 0 && Date.now() < settleBy) {
      await sleep(2000);
      notFinished = await unfinished();
    }
    if (Date.now() < settleBy) await sleep(settleBy - Date.now());
    notFinished = await unfinished();
    const cpuAfter = cpu();
    const commands = commandsPer(commandsBefore, await serverCommandCounts(), ids.length);
    let historyEvents = 0;
    for await (const w of env.temporal.workflow.list({ query: `TaskQueue="${taskQueue}"` })) historyEvents += w.historyLength;
    const cpuMsPerMessage = Object.fromEntries(
      Object.keys(cpuBefore).map((k) => [k, Number(((1000 * (cpuAfter[k as keyof typeof cpuAfter] - cpuBefore[k as keyof typeof cpuBefore])) / Math.max(1, ids.length)).toFixed(1))]),
    );
    cpuMsPerMessage.totalWithoutBench = Number((cpuMsPerMessage.api + cpuMsPerMessage.workers + cpuMsPerMessage.temporal + cpuMsPerMessage.database).toFixed(1));
    console.log(`  ${opts.run}: database commands per message ${JSON.stringify(commands.byCommand)}`);
    console.log(`  ${opts.run}: accepted ${ids.length} in ${acceptSeconds.toFixed(1)} s; carrier has ${outbound.length}`);
    const sortedLatencies = [...latencies].sort((a, b) => a - b);
    return {
      run: opts.run,
      workers: opts.workers,
      messages: plan.length,
      segments,
      minimumSeconds: Number(minimumSeconds.toFixed(1)),
      drainSeconds: Number(drainSeconds.toFixed(1)),
      ratio: Number((drainSeconds / minimumSeconds).toFixed(3)),
      acceptP50: Number(percentile(sortedLatencies, 50).toFixed(1)),
      acceptP99: Number(percentile(sortedLatencies, 99).toFixed(1)),
      refusedByApi,
      unanswered,
      paceRefused: outbound.filter((m) => m.errorCode === 30001 || m.errorCode === 30022).length,
      heldBack: outbound.filter((m) => m.dateSent !== null && m.dateSent - m.dateCreated > HOLD_MS).length,
      duplicates: [...counts.values()].reduce((a, n) => a + n - 1, 0),
      losses: [...expected].filter((b) => !counts.has(b)).length,
      notFinished,
      dbCommandsPerMessage: commands.total,
      historyEventsPerMessage: Number((historyEvents / Math.max(1, ids.length)).toFixed(2)),
      cpuMsPerMessage,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await apiProc.stop();
  }
}

async function main() {
  const messages = Number(arg('messages', '2000'));
  const numbers = Number(arg('numbers', '20'));
  const rate = Number(arg('rate', '100'));
  const runs = arg('runs', 'one,two,throttled').split(',');

  const servers = await startBenchServers('bench-outbound');
  const { temporalAddress, mongoUri, temporalPid, dbPid } = servers;
  const temporal = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
  let sandbox: RunningSandbox | undefined;
  try {
    sandbox = await startSandbox({ accounts: [ACCOUNT] });
    const apiPort = await freePort();
    const env: Env = { temporal, temporalPid, dbPid, temporalAddress, mongoUri, sandbox, apiPort, apiUrl: `http://127.0.0.1:${apiPort}`, publicUrl: `http://127.0.0.1:${apiPort}` };
    console.log(`bench-outbound: ${messages} messages over ${numbers} numbers (local 1/s and toll-free 3/s alternating), accepts at ${rate}/s`);

    const results: Array<Awaited<ReturnType<typeof runOnce>>> = [];
    const table = { one: { workers: 1, throttle: 0 }, two: { workers: 2, throttle: 0 }, throttled: { workers: 2, throttle: 0.2 } } as const;
    for (const run of runs) {
      const spec = table[run as keyof typeof table];
      if (!spec) throw new Error(`unknown run ${run} (one, two, throttled)`);
      results.push(await runOnce(env, { run, ...spec, messages, numbers, rate }));
    }
    console.table(results.map(({ cpuMsPerMessage, ...r }) => ({ ...r, cpuMs: cpuMsPerMessage.totalWithoutBench })));
    for (const r of results) console.log(`  ${r.run}: CPU ms per message ${JSON.stringify(r.cpuMsPerMessage)}`);
    console.log(JSON.stringify(results));
  } catch (err) {
    console.error(servers.dbLog.slice(-20).join('\n'));
    throw err;
  } finally {
    await sandbox?.close();
    await servers.stop();
  }
}

runBench(main);
