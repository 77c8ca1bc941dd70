import { publicUrl, type Config } from '../config';

/** Where the provider calls us: the two webhook routes are mounted at these paths, and every number points at them. */
export const WEBHOOK_PATHS = { inbound: '/webhooks/twilio/sms', status: '/webhooks/twilio/status' } as const;

/**
 * What every number of ours must have at the provider: our inbound webhook with Twilio's retry
 * instruction in its fragment (the fragment never reaches us and is not part of the signed URL),
 * the fallback URL where one is configured, and our status callback.
 */
export function webhookUrls(config: Config): { smsUrl: string; smsFallbackUrl: string; statusCallback: string } {
  const base = publicUrl(config);
  const retry = config.INBOUND_WEBHOOK_RETRY ? `#${config.INBOUND_WEBHOOK_RETRY}` : '';
  return {
    smsUrl: `${base}${WEBHOOK_PATHS.inbound}${retry}`,
    smsFallbackUrl: config.INBOUND_FALLBACK_URL ?? '',
    statusCallback: `${base}${WEBHOOK_PATHS.status}`,
  };
}

export type WebhookUrls = ReturnType<typeof webhookUrls>;
