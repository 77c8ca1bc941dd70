import { publicUrl, type Config } from '../config';

/**
 * What every number of ours must have at the provider: our inbound webhook with Twilio's retry
 * instruction in its fragment (the fragment never reaches us and is not part of the signed URL),
 * the fallback URL where one is configured, and our status callback.
 */
export function webhookUrls(config: Config): { smsUrl: string; smsFallbackUrl: string; statusCallback: string } {
  const base = publicUrl(config);
  const retry = config.INBOUND_WEBHOOK_RETRY ? `#${config.INBOUND_WEBHOOK_RETRY}` : '';
  return {
    smsUrl: `${base}/webhooks/twilio/sms${retry}`,
    smsFallbackUrl: config.INBOUND_FALLBACK_URL ?? '',
    statusCallback: `${base}/webhooks/twilio/status`,
  };
}

export type WebhookUrls = ReturnType<typeof webhookUrls>;
