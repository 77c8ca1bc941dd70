import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { createProvider, type SmsProvider } from '../../src/provider';
import { eventually } from './eventually';
import { PLATFORM_ACCOUNT, call, createTestWorkspace, stackPerSuite, supportKey, type ApiResponse, type Stack, type TestWorkspace } from './stack';

/*
 * The stack and helpers of the custom-number request test files (test/requests-*.test.ts but
 * requests-restart): the customer asks, support approves or rejects, the request's workflow buys,
 * links and connects the number and mails about it.
 */

/** Short enough that a hanging provider call fails fast, long enough for the sandbox on a busy machine. */
export const PROVIDER_TIMEOUT_MS = 1500;
/** How many open requests a workspace may have (the open-limit test in requests-closing counts on two). */
const OPEN_LIMIT = 2;

export interface RequestView {
  id: string;
  status: string;
  timeline: Array<{ step: string; actor: string; at: string }>;
}

export interface CompletedRequest {
  number: { id: string; e164: string };
  timeline: Array<{ step: string; actor: string; detail: string | null }>;
}

/** What the suite's `before` hook started: the stack, a support key and a provider client to the sandbox carrier. */
export interface RequestsState {
  stack: Stack;
  support: string;
  provider: SmsProvider;
}

/**
 * Registers, in the calling `describe`, the hooks that start a stack of the file's own (the provider
 * time-out and the open-request limit above), clear the sandbox's faults after each test and stop the
 * stack, and returns the helpers that use it.
 */
export function requestsSuite() {
  const stack = stackPerSuite({ env: { PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS), NUMBER_REQUESTS_OPEN_LIMIT: String(OPEN_LIMIT) }, clearFaults: true });
  let running: RequestsState | undefined;
  before(async () => {
    running = { stack: stack(), support: await supportKey(), provider: createProvider({ ...PLATFORM_ACCOUNT, baseUrl: stack().sandbox.url }) };
  });

  /** The file's running stack, support key and provider client (from its `before` hook on). */
  function state(): RequestsState {
    if (!running) throw new Error('the requests stack is not running (requestsSuite() starts it in its describe\'s before hook)');
    return running;
  }
  const api = (method: string, path: string, key: string | undefined, body?: unknown): Promise<ApiResponse> => call(state().stack.url, method, path, { key, body });

  const requestPath = (ws: TestWorkspace) => `/v1/workspaces/${ws.id}/sms/number-requests`;
  const ask = async (ws: TestWorkspace, body: Record<string, unknown>) => {
    const res = await api('POST', requestPath(ws), ws.admin, body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body as RequestView;
  };
  const approve = (id: string, body: Record<string, unknown> = {}) => api('POST', `/v1/support/number-requests/${id}/approve`, state().support, body);
  const reject = (id: string, reason = 'Not for this use case') => api('POST', `/v1/support/number-requests/${id}/reject`, state().support, { reason });

  /** Polls support's view of the request until it reaches `status` (and `lastStep`, when given). */
  async function waitForStatus(id: string, status: string, timeoutMs = 20_000, lastStep?: string) {
    let last: { status?: string; timeline?: unknown } = {};
    return eventually(
      () => `request ${id} to be ${status}${lastStep ? ` after ${lastStep}` : ''}; it is ${last.status}: ${JSON.stringify(last.timeline)}`,
      async () => {
        last = (await api('GET', `/v1/support/number-requests/${id}`, state().support)).body;
        return last.status === status && (!lastStep || (last.timeline as Array<{ step: string }>).at(-1)?.step === lastStep) && last;
      },
      timeoutMs,
      50,
    ) as Promise<any>;
  }
  const mailsAbout = (id: string): ParsedMail[] => state().stack.smtp.mails.filter((m) => (m.messageId ?? '').includes(id));
  const waitForMail = (id: string, match: (m: ParsedMail) => boolean, timeoutMs = 20_000) =>
    eventually(() => `the mail about ${id}; got ${mailsAbout(id).map((m) => m.subject).join(' | ')}`, () => mailsAbout(id).find(match), timeoutMs, 10);
  const adminEmail = (ws: TestWorkspace) => `admin@${ws.id.replace(/_/g, '-')}.test`;
  const toOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text;

  /** A workspace that asked for a number and support approved it: the request's view once the requester was told. */
  async function approvedRequest(body: Record<string, unknown> = { country: 'US', type: 'local', areaCode: '415' }) {
    const ws = await createTestWorkspace();
    const request = await ask(ws, body);
    assert.equal((await approve(request.id)).status, 200);
    const done = await waitForStatus(request.id, 'completed', 20_000, 'requester_notified');
    return { ws, request, done: done as CompletedRequest };
  }

  return { state, api, requestPath, ask, approve, reject, waitForStatus, mailsAbout, waitForMail, adminEmail, toOf, approvedRequest };
}
