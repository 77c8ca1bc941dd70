import type { Router } from 'express';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import type { Services } from '../../services';
import { webhookUrls } from '../../provider/webhookUrls';
import { temporalReleaseScheduler } from '../../numbers/release';
import {
  connectAccountNumber,
  getProviderAccount,
  listAccountNumbers,
  removeProviderAccount,
  saveProviderAccount,
  type ProviderAccountDeps,
} from '../../numbers/providerAccount';
import { listSenderIds, NO_ALPHANUMERIC, registerSenderId, SENDER_ID } from '../../numbers/senderIds';
import { channelSchema } from './channel';
import { actorOf } from '../auth';
import { defineRoute } from '../route';
import { listOf, numberSchema, wsParams, unpaged } from '../schemas';

/**
 * What a workspace sends from that is its own: its provider account (bring your own numbers) and
 * its alphanumeric sender IDs. Admin only, behind the Text Messages add-on.
 */

const accountSchema = z
  .object({ accountSid: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('ProviderAccount', { description: 'The auth token is never returned.' });

const accountBody = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hexadecimal characters').openapi({ example: `AC${'0'.repeat(32)}` }),
    authToken: z.string().trim().min(8, 'the auth token of the account').max(128),
  })
  .strict();

const accountNumberSchema = z
  .object({
    sid: z.string(),
    e164: z.string(),
    friendlyName: z.string(),
    smsUrl: z.string(),
    webhook: z.enum(['ours', 'elsewhere', 'none']),
    numberId: z.string().nullable(),
  })
  .openapi('ProviderAccountNumber');

const webhookOutcome = z.union([
  z.object({ status: z.literal('set'), smsUrl: z.string() }),
  z.object({ status: z.literal('manual'), smsUrl: z.string(), method: z.literal('POST'), steps: z.array(z.string()) }),
]);

const senderIdBody = z
  .object({
    senderId: z.string().regex(SENDER_ID, '1 to 11 letters, digits or spaces, with at least one letter').openapi({ example: 'BAKARI' }),
    country: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c), 'an ISO 3166-1 alpha-2 country code, e.g. "IS"')
      .refine((c) => !NO_ALPHANUMERIC.has(c), 'carriers in this country do not accept alphanumeric sender IDs')
      .openapi({ example: 'IS' }),
  })
  .strict();

export function ownSenderRoutes(router: Router, services: Services): void {
  const deps: ProviderAccountDeps = {
    providers: services.providers,
    channel: {
      releases: temporalReleaseScheduler(services.temporal, services.config.TEMPORAL_TASK_QUEUE),
      cooldownSeconds: services.config.NUMBER_COOLDOWN_SECONDS,
    },
    webhooks: webhookUrls(services.config),
  };
  const tags = ['Own provider account and sender IDs'];
  const roles = ['admin'] as const;

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/provider-account', summary: "The workspace's own provider account (never its token)", tags, roles, params: wsParams, response: accountSchema, smsAddon: true, errors: [404] },
    ({ params }) => getProviderAccount(params.ws),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/v1/workspaces/:ws/sms/provider-account',
      summary: 'Add the workspace\'s own Twilio account, or replace its auth token; the credentials are tried with the provider first (422 when refused, nothing stored)',
      tags,
      roles,
      params: wsParams,
      body: accountBody,
      response: accountSchema,
      errors: [404, 409, 422, 503],
      smsAddon: true,
    },
    ({ params, body, principal }) => saveProviderAccount(deps, { workspaceId: params.ws, accountSid: body.accountSid, authToken: body.authToken, actor: actorOf(principal) }),
  );

  defineRoute(
    router,
    {
      method: 'delete',
      path: '/v1/workspaces/:ws/sms/provider-account',
      summary: 'Remove the account: the channel is disconnected if it uses one of its numbers, their webhooks are put back, and its numbers are forgotten',
      tags,
      roles,
      params: wsParams,
      response: z.object({ accountSid: z.string(), removedNumbers: z.array(z.string()), channelDisconnected: z.boolean(), webhooksNotRestored: z.array(z.string()) }),
      errors: [404, 409, 503],
      smsAddon: true,
    },
    ({ params, principal }) => removeProviderAccount(deps, { workspaceId: params.ws, actor: actorOf(principal) }),
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/provider-account/numbers', summary: "The account's numbers at the provider, and whether each reaches us", tags, roles, params: wsParams, response: listOf(accountNumberSchema), smsAddon: true, errors: [404, 422, 503] },
    ({ params }) => unpaged(listAccountNumbers(deps, params.ws)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/workspaces/:ws/sms/provider-account/numbers/:sid/connect',
      summary: "Connect one of the account's numbers as the SMS channel; its SMS webhook is set to ours, or the answer says how to set it by hand",
      tags,
      roles,
      params: wsParams.extend({ sid: z.string().regex(/^PN[0-9a-fA-F]{32}$/, 'PN followed by 32 hexadecimal characters') }),
      response: z.object({ channel: channelSchema, webhook: webhookOutcome }),
      errors: [404, 409, 422, 503],
      smsAddon: true,
    },
    ({ params, principal }) => connectAccountNumber(deps, { workspaceId: params.ws, sid: params.sid, actor: actorOf(principal) }),
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/sender-ids', summary: "The workspace's alphanumeric sender IDs", tags, roles, params: wsParams, response: listOf(numberSchema), smsAddon: true, errors: [404] },
    ({ params }) => unpaged(listSenderIds(params.ws)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/workspaces/:ws/sms/sender-ids',
      summary: 'Register an alphanumeric sender ID with the provider; it joins the Number dropdown. Nobody can reply to it.',
      tags,
      roles,
      params: wsParams,
      body: senderIdBody,
      status: 201,
      response: numberSchema,
      errors: [404, 409, 503],
      smsAddon: true,
    },
    ({ params, body, principal }) => registerSenderId(services.providers, { workspaceId: params.ws, senderId: body.senderId, country: body.country, actor: actorOf(principal) }),
  );
}
