import { z } from 'zod';
import { parseTokenKeys } from './secrets/tokenCipher';

const seconds = z.coerce.number().int().nonnegative();
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every setting the processes read, parsed once at boot. Durations are seconds so that tests and
 * demos can shrink days to moments without a different code path.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The URL the provider uses to reach our webhooks (differs from the listen address behind a proxy). */
  PUBLIC_URL: z.url().optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// or mongodb+srv:// URI'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port, e.g. 127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('sms-channel'),
  /** Cool-down during which a released number stays reserved for the workspace that held it. */
  NUMBER_COOLDOWN_SECONDS: seconds.default(7 * 24 * 3600),
  /** Provider: the sandbox carrier when SANDBOX_URL is set, else real Twilio. */
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex characters'),
  TWILIO_AUTH_TOKEN: z.string().min(8, 'the auth token of that account'),
  SANDBOX_URL: z.url().optional(),
  /** Real Twilio only: E.164 numbers of the platform's account that form the shared pool. */
  SHARED_POOL_NUMBERS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((n) => n.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'comma-separated E.164 numbers'))),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'smtp://host:port or smtps://user:pass@host:port').default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('SMS channel <no-reply@sms-channel.local>'),
  SUPPORT_EMAIL: z.email().default('support@sms-channel.local'),
  CONSOLE_URL: z.url().optional(),
  /** Custom-number requests: open requests a workspace may have at once (beyond it: 409). */
  NUMBER_REQUESTS_OPEN_LIMIT: z.coerce.number().int().min(1).default(3),
  /** Support is reminded of an undecided request after this delay, then at the interval; it expires after the last. */
  NUMBER_REQUEST_REMINDER_DELAY_SECONDS: seconds.min(1).default(24 * 3600),
  NUMBER_REQUEST_REMINDER_INTERVAL_SECONDS: seconds.min(1).default(24 * 3600),
  NUMBER_REQUEST_EXPIRY_SECONDS: seconds.min(1).default(14 * 24 * 3600),
  BODY_LIMIT: z.string().default('100kb'),
  TRUST_PROXY: boolish.default(false),
  /** Outbound SMS: how long an accepted message may wait to leave before it ends `expired`. */
  MESSAGE_VALIDITY_SECONDS: seconds.default(4 * 3600),
  /** How far ahead a message may be scheduled (`sendAt`). */
  SCHEDULE_HORIZON_DAYS: z.coerce.number().positive().default(30),
  /** Outbound SMS: first back-off after a throttled or failed attempt (doubles, with jitter, up to the max). */
  MESSAGE_BACKOFF_SECONDS: z.coerce.number().positive().default(1),
  MESSAGE_BACKOFF_MAX_SECONDS: z.coerce.number().positive().default(60),
  /** Outbound SMS: a sender number keeps its slowed pace this long after the carrier's last push-back. */
  PACE_RECOVERY_SECONDS: z.coerce.number().positive().default(30),
  /** Outbound SMS: a message still without a final status this long after it left is asked for at the provider, once. */
  MESSAGE_FINAL_STATUS_WAIT_SECONDS: z.coerce.number().positive().default(600),
  /** Outbound SMS: a number's sender ends after this long with nothing to do (the next message starts it again). */
  SENDER_IDLE_SECONDS: z.coerce.number().positive().default(60),
  /** Outbound SMS: after an unanswered create, how long the provider may take to list the message before we send again. */
  AMBIGUOUS_LOOKUP_GRACE_SECONDS: z.coerce.number().nonnegative().default(10),
  /** How often the provider's webhook settings of every connected number are checked (0: never, e.g. in other tests). */
  WEBHOOK_HEALTH_INTERVAL_SECONDS: seconds.default(15 * 60),
  /** API abuse limits (counted in the database, so across replicas): requests per window per API key and per client address; 0 turns one off. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_PER_KEY: z.coerce.number().int().nonnegative().default(600),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().nonnegative().default(1200),
  /** Failed authentications (401) a client address may earn within the window before it gets 429; 0: no limit. */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().nonnegative().default(30),
  AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(600),
  /** Destination number types sends are refused to (libphonenumber-js types, comma-separated; empty: none). */
  REFUSED_DESTINATION_TYPES: z
    .string()
    .default('PREMIUM_RATE,SHARED_COST')
    .transform((v) => v.split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL', 'FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']))),
  /**
   * Twilio's connection overrides for the inbound webhook (a URL fragment): retry up to 5 times on a
   * refused connection, a read timeout or a 5xx, within Twilio's 15 s; empty: none.
   */
  INBOUND_WEBHOOK_RETRY: z
    .string()
    .regex(/^$|^[a-z]{2,3}=[^#&\s]+(&[a-z]{2,3}=[^#&\s]+)*$/, 'key=value pairs joined by &, e.g. rc=5&rp=ct,rt,5xx')
    .default('rc=5&rp=ct,rt,5xx&ct=2000&rt=10000&tt=15000'),
  /** Where the provider posts an inbound message when our webhook fails (e.g. another region's API); unset: no fallback. */
  INBOUND_FALLBACK_URL: z.url().optional(),
  /** How often each connected number's inbound messages at the provider are compared with ours (0: never). */
  INBOUND_RECONCILE_INTERVAL_SECONDS: seconds.default(60),
  /** A number never reconciled before is read back this far (bounded by when its workspace took it). */
  INBOUND_RECONCILE_LOOKBACK_SECONDS: seconds.min(1).default(24 * 3600),
  /** /readyz: a worker counts as polling our task queue when Temporal saw its poll this recently (an idle poll lasts up to a minute). */
  READY_WORKER_SEEN_SECONDS: z.coerce.number().int().positive().default(90),
  /** Public web chat: requests per client address and workspace within the window. */
  WEBCHAT_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  WEBCHAT_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /**
   * Keys that encrypt workspaces' provider auth tokens at rest: "id:base64key[,id:base64key…]",
   * 32-byte keys; the first seals, every one opens (rotation: README). Required in production;
   * elsewhere a fixed development key is used.
   */
  PROVIDER_TOKEN_KEYS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parseTokenKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad or missing value names the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const got = env[name] === undefined ? 'it is not set' : 'it is set to an invalid value';
      const what = issue.message.replace(/^Invalid input: /, '').replace(/^expected /, '').replace(/, received .*$/, '');
      return `  ${name}: expected ${what}; ${got}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** For a process's entry point: the configuration, or the reason it is wrong and exit code 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

export function publicUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`).replace(/\/$/, '');
}
