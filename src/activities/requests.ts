import { ApplicationFailure, Context } from '@temporalio/activity';
import { webhookUrls } from '../provider/webhookUrls';
import { ProviderError } from '../provider';
import { loadChannel } from '../numbers/channel';
import { temporalReleaseScheduler } from '../numbers/release';
import { forgetNumber, linkNumber, LinkRefused, type LinkInput } from '../requests/linking';
import { composeRequestMail } from '../requests/mail';
import { provisionNumber, type ProvisionInput } from '../requests/provisioning';
import { markMailSent, requestById, saveRequestState } from '../requests/store';
import type { ProvisionResult, RequestMailKind, RequestState } from '../requests/state';
import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeating';

/** Provider failures in Temporal's terms: refusals are final, the rest is retried (honouring Retry-After). */
function asFailure(err: unknown): unknown {
  if (!(err instanceof ProviderError)) return err;
  const details = [{ code: err.code, category: err.category }];
  if (err.category === 'permanent') return ApplicationFailure.create({ type: 'ProviderRefused', message: err.sentence, details, nonRetryable: true });
  return ApplicationFailure.create({
    type: err.category === 'throttled' ? 'ProviderThrottled' : 'ProviderUnavailable',
    message: err.sentence,
    details,
    ...(err.retryAfterMs !== undefined && { nextRetryDelay: err.retryAfterMs }),
  });
}

export function createRequestActivities(deps: ActivityDeps) {
  const { config, log, providers, mailer } = deps;
  const webhooks = webhookUrls(config);
  const mailContext = {
    supportEmail: config.SUPPORT_EMAIL,
    consoleUrl: config.CONSOLE_URL,
    domain: /@([^>\s]+)/.exec(config.MAIL_FROM)?.[1] ?? 'sms-channel.local',
  };

  return {
    /** Idempotent: the same revision written twice changes nothing, an older one is ignored. */
    async saveRequestState(requestId: string, revision: number, state: RequestState): Promise<void> {
      await saveRequestState(requestId, revision, state);
    },

    /** Buys the request's number at most once (see provisionNumber). */
    async provisionNumber(input: ProvisionInput): Promise<ProvisionResult> {
      try {
        return await heartbeating(() => provisionNumber(providers.platform.provider, webhooks, input, log));
      } catch (err) {
        throw asFailure(err);
      }
    },

    async linkNumber(input: LinkInput): Promise<{ numberId: string; connected: boolean }> {
      // Only needed when connecting takes or leaves a shared number; the worker's own client, never a new one.
      const channel = {
        releases: temporalReleaseScheduler(Context.current().client, config.TEMPORAL_TASK_QUEUE),
        cooldownSeconds: config.NUMBER_COOLDOWN_SECONDS,
      };
      try {
        return await linkNumber(channel, input, providers.platform.provider.accountSid);
      } catch (err) {
        if (err instanceof LinkRefused) throw ApplicationFailure.create({ type: 'LinkRefused', message: err.message, nonRetryable: true });
        throw err;
      }
    },

    /** Compensation: the number leaves our records and the provider account. Idempotent (a released number is fine). */
    async releaseProvisionedNumber(input: { requestId: string; providerSid: string }): Promise<void> {
      await forgetNumber(input.requestId);
      try {
        await providers.platform.provider.releaseNumber(input.providerSid);
      } catch (err) {
        throw asFailure(err);
      }
      log.info({ requestId: input.requestId, providerSid: input.providerSid }, 'released number after failed link');
    },

    /**
     * Sends one of the request's mails once: a mail already marked sent is skipped, and the mark is
     * set only after the SMTP server accepted it, so SMTP failures retry. (A crash between the two
     * sends it again, with the same Message-ID.)
     */
    async sendRequestMail(requestId: string, kind: RequestMailKind): Promise<{ to?: string }> {
      const request = await requestById(requestId);
      if (!request) throw ApplicationFailure.create({ type: 'RequestMissing', message: `Request ${requestId} is not stored`, nonRetryable: true });
      const connected = kind === 'completed' && request.numberId !== undefined && (await loadChannel(request.workspaceId)).numberId === request.numberId;
      const mail = composeRequestMail(request, kind, mailContext, connected);
      if (!mail) return {};
      if (request.mailsSent?.includes(kind)) return { to: mail.to };
      try {
        await mailer.send(mail);
      } catch (err) {
        // 5xx: the server refuses this mail for good (a bad address); 4xx and network trouble are retried.
        const code = (err as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500) {
          throw ApplicationFailure.create({ type: 'MailRefused', message: `The mail server refused mail to ${mail.to}: ${(err as Error).message}`, nonRetryable: true });
        }
        throw err;
      }
      await markMailSent(requestId, kind);
      return { to: mail.to };
    },
  };
}

export type RequestActivities = ReturnType<typeof createRequestActivities>;
