import pino from 'pino';

/** JSON logs. Anything that could carry a secret is redacted at the source, whatever logs it. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name?: string) {
  return pino({
    level,
    name,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-twilio-signature"]',
        'req.headers.cookie',
        '*.authToken',
        '*.password',
        '*.secret',
        'config.TWILIO_AUTH_TOKEN',
        'config.PROVIDER_TOKEN_KEYS',
        'config.SMTP_URL',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = pino.Logger;
