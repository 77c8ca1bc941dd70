import express from 'express';
import type { AddressInfo } from 'node:net';
import { createProvider } from '../../src/provider';
import { DEFAULT_ACCOUNT, startSandbox, type RunningSandbox, type StartOptions } from '../../src/sandbox';
import { eventually } from '../support/eventually';

export const PLATFORM = DEFAULT_ACCOUNT;
export const OTHER = { accountSid: 'AC11111111111111111111111111111111', authToken: 'other-account-token' };
/** Our numbers in the tests. */
export const LOCAL = '+12125551000';
export const TOLL_FREE = '+18005551000';
export const HANDSET = '+14155550123';

export async function startTestSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  return startSandbox({
    accounts: [PLATFORM, OTHER],
    numbers: [
      { phoneNumber: LOCAL, type: 'local' },
      { phoneNumber: TOLL_FREE, type: 'toll_free' },
    ],
    ...options,
  });
}

export function providerFor(sandbox: RunningSandbox, account = PLATFORM, timeoutMs?: number) {
  return createProvider({ ...account, baseUrl: sandbox.url, ...(timeoutMs && { timeoutMs }) });
}

export interface Received {
  path: string;
  url: string;
  signature: string | undefined;
  params: Record<string, string>;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** What to answer next; default 200 with an empty TwiML response. */
  answer: (r: Received) => { status: number; body?: string };
  close(): Promise<void>;
}

/** A tiny local server standing in for our webhook endpoints. */
export async function startReceiver(): Promise<Receiver> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const r: Receiver = {
    url: '',
    received: [],
    answer: () => ({ status: 200, body: '<Response/>' }),
    close: async () => {},
  };
  app.use((req, res) => {
    const rec: Received = {
      path: req.path,
      url: `${r.url}${req.originalUrl}`,
      signature: req.header('x-twilio-signature'),
      params: req.body as Record<string, string>,
      at: Date.now(),
    };
    r.received.push(rec);
    const a = r.answer(rec);
    res.status(a.status).type('text/xml').send(a.body ?? '');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return r;
}

export async function call<T = any>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The suite's polling helper with the sandbox tests' argument order and a short interval (the carrier is in process). */
export const waitFor = <T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> =>
  eventually(what, fn, timeoutMs, 20);

export interface GroundTruth {
  sid: string;
  accountSid: string;
  direction: string;
  from: string;
  to: string;
  body: string;
  segments: number;
  encoding: string;
  status: string;
  errorCode: number | null;
  dateCreated: string;
  dateSent: string | null;
}

export async function groundTruth(sandbox: RunningSandbox, query = ''): Promise<GroundTruth[]> {
  return (await call<{ messages: GroundTruth[] }>(sandbox.url, 'GET', `/sandbox/messages${query}`)).body.messages;
}
