import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import { startApi } from '../../src/server';
import { createWorker } from '../../src/worker';
import { Workspace, PhoneNumber } from '../../src/db/models';
import { newId } from '../../src/db/ids';
import { issueApiKey } from '../../src/workspaces/store';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox';
import { startCapturingSmtp, type CapturingSmtp } from './smtp';
import { freePort } from '../../src/infra/processes';
import { useServers } from './global-servers';

export const PLATFORM_ACCOUNT = { accountSid: `AC${'1'.repeat(32)}`, authToken: 'platform-test-token' };


export interface Stack {
  url: string;
  config: Config;
  /** The environment the configuration was read from (what another process of the platform needs). */
  env: Record<string, string>;
  temporal: Client;
  /** The sandbox carrier the platform talks to (the real twilio client, over HTTP). */
  sandbox: RunningSandbox;
  /** A real SMTP server capturing what the platform mailed. */
  smtp: CapturingSmtp;
  /** Stops the API alone (its port stays ours to start it again); the worker keeps running. */
  stopApi(): Promise<void>;
  /** Starts the API again on the same port and configuration, as a restarted process would. */
  startApi(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  sandbox?: SandboxOptions;
}

/**
 * The platform as it runs, in this process: the API on a free port and a worker on a task queue of
 * its own, against the suite's real Temporal and MongoDB (started on first use). The database is emptied first.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  await useServers();
  await mongoose.connection.db!.dropDatabase();
  const sandbox = await startSandbox({ accounts: [PLATFORM_ACCOUNT], ...options.sandbox });
  const smtp = await startCapturingSmtp();
  await Promise.all(Object.values(mongoose.models).map((m) => m.syncIndexes()));
  // The port is chosen first so that the public URL (webhooks, signatures) is known to every part.
  const apiPort = await freePort();
  const env = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    API_PORT: String(apiPort),
    PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(6).toString('hex')}`,
    TWILIO_ACCOUNT_SID: PLATFORM_ACCOUNT.accountSid,
    TWILIO_AUTH_TOKEN: PLATFORM_ACCOUNT.authToken,
    SANDBOX_URL: sandbox.url,
    SMTP_URL: smtp.url,
    // Each test file's schedule would outlive it on the suite's Temporal; the tests of it turn it on.
    INBOUND_RECONCILE_INTERVAL_SECONDS: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  const { worker, connection } = await createWorker(config);
  const running = worker.run();
  let api: Awaited<ReturnType<typeof startApi>> | undefined = await startApi(config);
  return {
    url: api.url,
    config,
    env,
    /** The running API's client (a restarted API has a new one). */
    get temporal() {
      if (!api) throw new Error('the API is stopped');
      return api.services.temporal;
    },
    sandbox,
    smtp,
    async stopApi() {
      await api?.close();
      api = undefined;
    },
    async startApi() {
      api ??= await startApi(config);
    },
    async stop() {
      await api?.close();
      worker.shutdown();
      await running;
      await connection.close();
      await sandbox.close();
      await smtp.close();
    },
  };
}

/**
 * A stack of the calling `describe`'s own: its hooks start it before the tests and stop it after
 * them (and, with `clearFaults`, clear the sandbox's injected faults after each test). Returns the
 * running stack, to read inside a hook or a test.
 */
export function stackPerSuite(options: StackOptions & { clearFaults?: boolean } = {}): () => Stack {
  let running: Stack | undefined;
  before(async () => {
    running = await startStack(options);
  });
  if (options.clearFaults) {
    afterEach(async () => {
      if (running) await call(running.sandbox.url, 'DELETE', '/sandbox/faults');
    });
  }
  after(async () => running?.stop());
  return () => {
    if (!running) throw new Error('the stack is not running: read it inside a hook or a test');
    return running;
  };
}

export interface TestWorkspace {
  id: string;
  admin: string;
  agent: string;
}

export async function createTestWorkspace(options: { addon?: boolean; name?: string } = {}): Promise<TestWorkspace> {
  const id = newId('ws');
  await Workspace.create({ _id: id, name: options.name ?? 'Test workspace', addons: { sms: { active: options.addon ?? true } } });
  const admin = await issueApiKey({ role: 'admin', workspaceId: id, email: `admin@${id.replace(/_/g, '-')}.test` });
  const agent = await issueApiKey({ role: 'agent', workspaceId: id, email: `agent@${id.replace(/_/g, '-')}.test` });
  return { id, admin: admin.secret, agent: agent.secret };
}

export async function supportKey(): Promise<string> {
  return (await issueApiKey({ role: 'support', email: 'support@platform.test' })).secret;
}

/** Shared pool numbers straight in the database (no provider involved). */
export async function createSharedNumbers(count: number, type: 'local' | 'toll_free' = 'local') {
  const made = [];
  for (let i = 0; i < count; i++) {
    const e164 = `+1415${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;
    made.push(
      await PhoneNumber.create({
        _id: newId('num'),
        e164,
        kind: 'shared',
        type,
        country: 'US',
        throughputPerSecond: type === 'local' ? 1 : 3,
        accountSid: PLATFORM_ACCOUNT.accountSid,
      }),
    );
  }
  return made.map((n) => ({ id: n._id, e164: n.e164 }));
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny HTTP client for tests: JSON in and out, an API key when given. */
export async function call<T = any>(
  url: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}
