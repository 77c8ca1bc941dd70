import { stackPerSuite, type Stack } from './stack';

/** Numbers the sandbox carrier treats as a landline (refused with 21614) and as a phone that is off (30003). */
export const LANDLINE = '+1312555';
export const UNREACHABLE = '+1617555';

/**
 * The stack of an outbound-SMS test file (test/outbound-{sending,pacing,failures,channel-changes,status}.test.ts):
 * gives the calling `describe` (its `this`) two minutes a test and registers the hooks that start
 * the stack, stop it and clear the sandbox's faults after each test. Returns the running stack, to
 * read inside a hook or a test.
 */
export function outboundSuite(suite: Mocha.Suite): () => Stack {
  suite.timeout(120_000);
  return stackPerSuite({
    env: {
      PROVIDER_TIMEOUT_MS: '3000',
      MESSAGE_BACKOFF_SECONDS: '0.2',
      MESSAGE_BACKOFF_MAX_SECONDS: '2',
      PACE_RECOVERY_SECONDS: '5',
      AMBIGUOUS_LOOKUP_GRACE_SECONDS: '1',
      // The sandbox does not retry a callback that failed (as Twilio): on a loaded machine one can
      // time out, and then the sender's ask at the provider is what settles the message.
      MESSAGE_FINAL_STATUS_WAIT_SECONDS: '10',
      // The tests poll each message's view (settle): 20 messages every 200 ms pass the per-address
      // limit within seconds on a quiet machine. The limits are abuse.test.ts's subject.
      RATE_LIMIT_PER_ADDRESS: '0',
      RATE_LIMIT_PER_KEY: '0',
    },
    sandbox: { landlinePrefixes: [LANDLINE], deliveryFailures: { [UNREACHABLE]: 30003 } },
    clearFaults: true,
  });
}
