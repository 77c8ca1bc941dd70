/**
 * Standalone sandbox carrier: `npm run sandbox`.
 * SANDBOX_PORT (default 4010), SANDBOX_HOST (127.0.0.1), SANDBOX_ACCOUNTS
 * ("AC…:token,AC…:token"; default the DEFAULT_ACCOUNT), SANDBOX_THROUGHPUT_LOCAL /
 * _TOLL_FREE / _SHORT_CODE (segments per second), LOG_LEVEL.
 */
import { z } from 'zod';
import { createLogger } from '../log';
import { startSandbox } from './app';

const env = z
  .object({
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
    SANDBOX_HOST: z.string().default('127.0.0.1'),
    SANDBOX_ACCOUNTS: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .filter(Boolean)
          .map((pair) => {
            const [accountSid, authToken] = pair.split(':');
            return { accountSid, authToken };
          }),
      ),
    SANDBOX_THROUGHPUT_LOCAL: z.coerce.number().positive().optional(),
    SANDBOX_THROUGHPUT_TOLL_FREE: z.coerce.number().positive().optional(),
    SANDBOX_THROUGHPUT_SHORT_CODE: z.coerce.number().positive().optional(),
  })
  .parse(process.env);

const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'sandbox');

async function main() {
  const sandbox = await startSandbox({
    port: env.SANDBOX_PORT,
    host: env.SANDBOX_HOST,
    accounts: env.SANDBOX_ACCOUNTS,
    throughput: {
      ...(env.SANDBOX_THROUGHPUT_LOCAL && { local: env.SANDBOX_THROUGHPUT_LOCAL }),
      ...(env.SANDBOX_THROUGHPUT_TOLL_FREE && { toll_free: env.SANDBOX_THROUGHPUT_TOLL_FREE }),
      ...(env.SANDBOX_THROUGHPUT_SHORT_CODE && { short_code: env.SANDBOX_THROUGHPUT_SHORT_CODE }),
    },
    onCallback: (e) => log.debug({ url: e.url, status: e.params.MessageStatus, sid: e.params.MessageSid, outcome: e.outcome }, 'status callback'),
  });
  log.info({ url: sandbox.url, accounts: sandbox.carrier.accounts.list().map((a) => a.accountSid) }, 'sandbox carrier listening');
  const stop = () => {
    log.info('sandbox carrier stopping');
    sandbox.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  log.error({ err }, 'sandbox carrier failed to start');
  process.exit(1);
});
