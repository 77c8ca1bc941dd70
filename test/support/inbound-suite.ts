import assert from 'node:assert/strict';
import { call, createTestWorkspace, PLATFORM_ACCOUNT, stackPerSuite, type ApiResponse, type Stack, type TestWorkspace } from './stack';
import { connectNumber, sharedNumber } from './inbound';

/*
 * The stack and helpers of the inbound-SMS test files (test/inbound-*.test.ts but inbound-recovery):
 * signed webhooks from the sandbox carrier, to the platform's account or to a bring-your-own one.
 * The number and webhook helpers themselves are in ./inbound.
 */

/** A bring-your-own provider account the sandbox carrier knows beside the platform's. */
export const BYO_ACCOUNT = { accountSid: `AC${'b'.repeat(32)}`, authToken: 'byo-account-token' };
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface InboundSuite {
  /** The file's running stack (from its `before` hook on). */
  stack(): Stack;
  /** GET a workspace's API path with its agent key. */
  get(ws: TestWorkspace, path: string): Promise<ApiResponse>;
  /** A workspace with the add-on and a connected shared number. */
  workspaceWithNumber(): Promise<{ ws: TestWorkspace; number: { id: string; e164: string; sid: string } }>;
  /** The workspace's one thread of the channel (it fails unless there is exactly one). */
  onlyConversation(ws: TestWorkspace, channel?: string): Promise<any>;
}

/**
 * Registers, in the calling `describe`, the hooks that start a stack of the file's own (with both
 * provider accounts at the sandbox) and stop it, and returns the helpers that use it.
 */
export function inboundSuite(): InboundSuite {
  const stack = stackPerSuite({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0' }, sandbox: { accounts: [PLATFORM_ACCOUNT, BYO_ACCOUNT] } });
  const get = (ws: TestWorkspace, path: string) => call(stack().url, 'GET', `/v1/workspaces/${ws.id}${path}`, { key: ws.agent });

  async function workspaceWithNumber() {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack());
    await connectNumber(stack(), ws, number.id);
    return { ws, number };
  }

  async function onlyConversation(ws: TestWorkspace, channel = 'sms') {
    const list = await get(ws, `/conversations?channel=${channel}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1, JSON.stringify(list.body));
    return list.body.data[0];
  }

  return { stack, get, workspaceWithNumber, onlyConversation };
}
