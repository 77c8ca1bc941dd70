import { call, type ApiResponse, stackPerSuite, type Stack } from './stack';

/** How long a released shared number stays reserved for its workspace before it returns to the pool. */
const COOLDOWN_SECONDS = 3;

export interface ChannelSuite {
  /** The running stack, to read inside a hook or a test. */
  stack(): Stack;
  /** A call to the stack's API with a key. */
  api(method: string, path: string, key: string, body?: unknown): Promise<ApiResponse>;
}

/**
 * The stack of an SMS-channel-settings test file (test/channel-{settings,number-holds,contract}.test.ts):
 * registers, in the calling `describe`, the hooks that start it (with a short number cool-down) and stop it.
 */
export function channelSuite(): ChannelSuite {
  const stack = stackPerSuite({ env: { NUMBER_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS) } });
  return { stack, api: (method, path, key, body) => call(stack().url, method, path, { key, body }) };
}
