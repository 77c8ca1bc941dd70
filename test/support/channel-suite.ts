import { call, type ApiResponse, startStack, type Stack } from './stack';

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
  let running: Stack | undefined;
  before(async () => {
    running = await startStack({ env: { NUMBER_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS) } });
  });
  after(async () => running?.stop());
  const stack = () => {
    if (!running) throw new Error('the channel stack is not running: read it inside a hook or a test');
    return running;
  };
  return { stack, api: (method, path, key, body) => call(stack().url, method, path, { key, body }) };
}
