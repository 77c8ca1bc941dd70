/**
 * Inbound webhook benchmark (not a test): signed inbound-message webhooks, as Twilio posts them, at a
 * rising rate against the API on loopback; reports per step the sustained rate, p50/p99 response
 * times, and whether every message was stored exactly once (replays included).
 *
 *   npx tsx scripts/bench-inbound.ts [--rates 100,200,300,500] [--seconds 5] [--handsets 500] [--replay 0.1] [--disk] [--profile DIR]
 *
 * Starts its own Temporal dev server and MongoDB-compatible server in a temp folder (or uses
 * TEMPORAL_ADDRESS / MONGODB_URI when set), runs the API in a child process so that the load
 * generator does not share its event loop, and stops everything at the end. Bounded: at most
 * MAX_IN_FLIGHT requests are outstanding; sends the generator could not start are reported.
 */
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, startProcess, waitForPort } from '../src/infra/processes';
import { Message, NumberHold, PhoneNumber, Workspace, Conversation } from '../src/db/models';
import { newId } from '../src/db/ids';
import { signTwilioRequest } from '../src/sandbox';
import { cpuSecondsOfTree } from './cpu-time';
import { arg, benchTokenKeys, commandsPer, percentile, runBench, serverCommandCounts, startBenchServers } from './bench-stack';

const ACCOUNT = { accountSid: `AC${'7'.repeat(32)}`, authToken: 'bench-platform-token' };
const MAX_IN_FLIGHT = 2000;
const TARGET_P99_MS = 100;

interface Step {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  notStarted: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU milliseconds per message answered, of the API process and of the database server (when we started it). */
  apiCpuMs: number;
  dbCpuMs: number | null;
  /** Database commands per message answered, in all and by command. */
  dbCommands: ReturnType<typeof commandsPer>;
}

async function main() {
  const rates = arg('rates', '100,200,300,500').split(',').map(Number);
  const seconds = Number(arg('seconds', '5'));
  const handsetCount = Number(arg('handsets', '500'));
  const replayShare = Number(arg('replay', '0.1'));

  const servers = await startBenchServers('bench-inbound');
  const { temporalAddress, mongoUri, dbPid } = servers;
  let api: { stop(): Promise<void> } | undefined;
  try {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    // --profile DIR: the API writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
    const profileDir = arg('profile', '');
    const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
    const child = startProcess('api', process.execPath, ['--import', 'tsx', ...profiling, path.resolve(__dirname, '../src/server.ts')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PROVIDER_TOKEN_KEYS: benchTokenKeys(),
        LOG_LEVEL: 'error',
        API_PORT: String(port),
        PUBLIC_URL: publicUrl,
        MONGODB_URI: mongoUri,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: `bench-${randomBytes(4).toString('hex')}`,
        TWILIO_ACCOUNT_SID: ACCOUNT.accountSid,
        TWILIO_AUTH_TOKEN: ACCOUNT.authToken,
        WEBHOOK_HEALTH_INTERVAL_SECONDS: '0',
      },
      onOutput: (line) => console.error(`[api] ${line}`),
    });
    api = child;
    await waitForPort('127.0.0.1', port, { process: child, timeoutMs: 60_000 });

    // A workspace holding one shared number: what a busy shop's number looks like.
    const workspaceId = newId('ws');
    const numberId = newId('num');
    const ourNumber = `+1415${String(randomBytes(3).readUIntBE(0, 3) % 10_000_000).padStart(7, '0')}`;
    await Workspace.create({ _id: workspaceId, name: 'Benchmark shop', addons: { sms: { active: true } } });
    await PhoneNumber.create({ _id: numberId, e164: ourNumber, kind: 'shared', type: 'short_code', country: 'US', throughputPerSecond: 100, accountSid: ACCOUNT.accountSid });
    await NumberHold.create({ _id: numberId, workspaceId, state: 'held', since: new Date() });
    const handsets = Array.from({ length: handsetCount }, (_, i) => `+1312${String(5_000_000 + i).padStart(7, '0')}`);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const webhookUrl = `${publicUrl}/webhooks/twilio/sms`;
    const post = (form: Record<string, string>) =>
      new Promise<{ status: number; error?: string; ms: number }>((resolve) => {
        const body = new URLSearchParams(form).toString();
        const started = process.hrtime.bigint();
        const req = http.request(
          webhookUrl,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': Buffer.byteLength(body),
              'x-twilio-signature': signTwilioRequest(ACCOUNT.authToken, webhookUrl, form),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
          },
        );
        req.on('error', (err) => resolve({ status: 0, error: (err as NodeJS.ErrnoException).code ?? err.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
        req.end(body);
      });
    let n = 0;
    const formFor = (sid: string, i: number) => ({
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: ACCOUNT.accountSid,
      From: handsets[i % handsets.length],
      To: ourNumber,
      Body: `Benchmark message ${i}: is my order on its way?`,
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
    const sent: Array<{ sid: string; form: Record<string, string> }> = [];

    // Warm-up (JIT, connection pools, first contacts and threads), not measured.
    for (let i = 0; i < 100; i++) {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const form = formFor(sid, n++);
      sent.push({ sid, form });
      await post(form);
    }

    const steps: Step[] = [];
    for (const rate of rates) {
      const total = rate * seconds;
      const latencies: number[] = [];
      let ok = 0;
      let failed = 0;
      const failures: Record<string, number> = {};
      let notStarted = 0;
      let inFlight = 0;
      const pending: Array<Promise<void>> = [];
      const commandsBefore = await serverCommandCounts();
      const cpuBefore = { api: cpuSecondsOfTree(child.child.pid!), db: dbPid ? cpuSecondsOfTree(dbPid) : 0 };
      const start = performance.now();
      // Open loop: each send starts at its scheduled time whatever the answers do (no coordinated omission).
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        if (inFlight >= MAX_IN_FLIGHT) {
          notStarted++;
          continue;
        }
        const sid = `SM${randomBytes(16).toString('hex')}`;
        const form = formFor(sid, n++);
        sent.push({ sid, form });
        inFlight++;
        pending.push(
          post(form).then((r) => {
            inFlight--;
            latencies.push(r.ms);
            if (r.status === 200) ok++;
            else {
              failed++;
              const why = r.error ?? String(r.status);
              failures[why] = (failures[why] ?? 0) + 1;
            }
          }),
        );
      }
      await Promise.all(pending);
      const elapsed = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      const perMessage = (seconds: number) => Number(((seconds * 1000) / Math.max(1, ok)).toFixed(2));
      const step = {
        rate,
        sent: pending.length,
        ok,
        failed,
        notStarted,
        seconds: elapsed,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? NaN,
        apiCpuMs: perMessage(cpuSecondsOfTree(child.child.pid!) - cpuBefore.api),
        dbCpuMs: dbPid ? perMessage(cpuSecondsOfTree(dbPid) - cpuBefore.db) : null,
        dbCommands: commandsPer(commandsBefore, await serverCommandCounts(), ok),
      };
      steps.push(step);
      console.log(
        `target ${rate}/s: ${ok}/${step.sent} answered 200 in ${elapsed.toFixed(2)} s (${(ok / elapsed).toFixed(0)}/s), p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, max ${step.max.toFixed(0)} ms, failed ${failed}${failed ? ` ${JSON.stringify(failures)}` : ''}, not started ${notStarted}; CPU per message: API ${step.apiCpuMs} ms${step.dbCpuMs === null ? '' : `, database ${step.dbCpuMs} ms`}; database commands per message ${step.dbCommands.total} ${JSON.stringify(step.dbCommands.byCommand)}`,
      );
    }

    // Provider retries: a share of the messages delivered again, concurrently.
    const replays = sent.filter((_, i) => i % Math.max(1, Math.round(1 / replayShare)) === 0);
    const replayResults = await Promise.all(replays.map((s) => post(s.form)));
    const replayOk = replayResults.filter((r) => r.status === 200).length;

    const stored = await Message.countDocuments({ workspaceId, direction: 'inbound' });
    const distinct = (await Message.distinct('providerSid', { workspaceId, direction: 'inbound' })).length;
    const expected = new Set(sent.map((s) => s.sid)).size;
    const threads = await Conversation.countDocuments({ workspaceId });
    const sustained = steps.filter((s) => s.failed === 0 && s.notStarted === 0 && s.p99 < TARGET_P99_MS && s.ok / s.seconds >= 0.95 * s.rate).map((s) => s.rate);
    console.log(`replays: ${replayOk}/${replays.length} answered 200`);
    console.log(`stored: ${stored} messages, ${distinct} distinct provider ids, ${expected} sent (${stored === expected && distinct === expected ? 'each stored exactly once' : 'MISMATCH'}), ${threads} threads for ${Math.min(handsetCount, n)} handsets`);
    console.log(`sustained with p99 < ${TARGET_P99_MS} ms and nothing lost: ${sustained.length ? Math.max(...sustained) : 'none of the steps'} messages/s`);
    console.log(JSON.stringify({ steps, replays: { sent: replays.length, ok: replayOk }, stored, distinct, expected }));
    agent.destroy();
  } finally {
    await api?.stop();
    await servers.stop();
  }
}

runBench(main);
