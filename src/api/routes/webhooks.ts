import type { Router } from 'express';
import type { Services } from '../../services';
import { inboundSmsWebhook } from '../../webhooks/inbound';
import { statusCallbackWebhook } from '../../webhooks/status';

/** The provider's two webhooks (signed, no API key, not rate-limited), mounted here and only here. */
export function webhookRoutes(router: Router, services: Services): void {
  inboundSmsWebhook(router, services);
  statusCallbackWebhook(router, services);
}
