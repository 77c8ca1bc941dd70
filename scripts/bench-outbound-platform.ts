/**
 * The platform under bench-outbound.ts: the API and worker processes' environment, the workers, and
 * the sender numbers (each connected to a workspace of its own, at the carrier too).
 */
import path from 'node:path';
import { startProcess, type Managed } from '../src/infra/processes';
import { PhoneNumber, Workspace } from '../src/db/models';
import { newId } from '../src/db/ids';
import { issueApiKey } from '../src/workspaces/store';
import type { RunningSandbox } from '../src/sandbox';
import type { Client } from '@temporalio/client';
import { benchTokenKeys } from './bench-stack';

export const ACCOUNT = { accountSid: `AC${'5'.repeat(32)}`, authToken: 'bench-outbound-token' };
const TYPES = [
  { type: 'local', rate: 1 },
  { type: 'toll_free', rate: 3 },
] as const;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child's errors, and its database profile (DB_PROFILE=1) printed at exit, reach our stderr. */
export function reportChildLine(name: string, line: string): void {
  if (/"level":(50|60)/.test(line)) console.error(`  ${name}: ${line.slice(0, 300)}`);
  else if (line.startsWith('db ')) console.error(`[${name}] ${line}`);
}

export interface Env {
  temporal: Client;
  temporalPid?: number;
  dbPid?: number;
  temporalAddress: string;
  mongoUri: string;
  sandbox: RunningSandbox;
  apiUrl: string;
  publicUrl: string;
  apiPort: number;
}

export function platformEnv(env: Env, taskQueue: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    PROVIDER_TOKEN_KEYS: benchTokenKeys(),
    // The load is one API key offering 100 requests a second: the abuse limits are not what is measured.
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_PER_ADDRESS: '0',
    LOG_LEVEL: 'error',
    API_PORT: String(env.apiPort),
    PUBLIC_URL: env.publicUrl,
    MONGODB_URI: env.mongoUri,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TWILIO_ACCOUNT_SID: ACCOUNT.accountSid,
    TWILIO_AUTH_TOKEN: ACCOUNT.authToken,
    SANDBOX_URL: env.sandbox.url,
    PROVIDER_TIMEOUT_MS: '5000',
    MESSAGE_BACKOFF_SECONDS: '0.5',
    MESSAGE_BACKOFF_MAX_SECONDS: '5',
    PACE_RECOVERY_SECONDS: '10',
    // Asked within the 30 s the run waits after the drain.
    MESSAGE_FINAL_STATUS_WAIT_SECONDS: '15',
    SENDER_IDLE_SECONDS: '10',
    WEBHOOK_HEALTH_INTERVAL_SECONDS: '0',
  };
}

export async function startWorkers(count: number, env: NodeJS.ProcessEnv, nodeArgs: string[]): Promise<Managed[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      let ready = false;
      const w = startProcess(`worker-${i}`, process.execPath, [...nodeArgs, '-r', 'tsx/cjs', path.resolve(__dirname, '../src/worker.ts')], {
        env: { ...env, LOG_LEVEL: 'info' },
        onOutput: (line) => {
          if (line.includes('worker running')) ready = true;
          else reportChildLine(`worker-${i}`, line);
        },
      });
      const deadline = Date.now() + 120_000;
      while (!ready) {
        if (w.child.exitCode !== null || Date.now() > deadline) throw new Error(`worker-${i} did not start`);
        await sleep(100);
      }
      return w;
    }),
  );
}

export interface Sender {
  workspaceId: string;
  key: string;
  e164: string;
  rate: number;
}

let nextLine = 0;

/** K numbers, alternately local and toll-free, each connected to a workspace of its own, at the carrier too. */
export async function createSenders(env: Env, count: number, run: string): Promise<Sender[]> {
  const senders: Sender[] = [];
  for (let i = 0; i < count; i++) {
    const { type, rate } = TYPES[i % TYPES.length];
    const e164 = `+1628555${String(nextLine++).padStart(4, '0')}`;
    env.sandbox.carrier.numbers.add({ accountSid: ACCOUNT.accountSid, phoneNumber: e164, type, throughput: rate });
    const numberId = newId('num');
    await PhoneNumber.create({ _id: numberId, e164, kind: 'shared', type, country: 'US', throughputPerSecond: rate, accountSid: ACCOUNT.accountSid });
    const workspaceId = newId('ws');
    await Workspace.create({ _id: workspaceId, name: `bench ${run} ${i}`, addons: { sms: { active: true } } });
    const admin = await issueApiKey({ role: 'admin', workspaceId, email: `admin@bench-${i}.example.com` });
    const agent = await issueApiKey({ role: 'agent', workspaceId, email: `agent@bench-${i}.example.com` });
    const put = await fetch(`${env.apiUrl}/v1/workspaces/${workspaceId}/sms`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ numberId }),
    });
    if (put.status !== 200) throw new Error(`connect failed: ${await put.text()}`);
    senders.push({ workspaceId, key: agent.secret, e164, rate });
  }
  return senders;
}
