import { z } from 'zod';

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
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'smtp://host:port or smtps://user:pass@host:port').default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('SMS channel <no-reply@sms-channel.local>'),
  SUPPORT_EMAIL: z.email().default('support@sms-channel.local'),
  CONSOLE_URL: z.url().optional(),
  BODY_LIMIT: z.string().default('100kb'),
  TRUST_PROXY: boolish.default(false),
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

export function publicUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`).replace(/\/$/, '');
}
