import type { Router } from 'express';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import type { Services } from '../../services';
import { REQUEST_STATUSES } from '../../vocabulary';
import { numberRequests, toRequestView } from '../../requests/service';
import { actorOf } from '../auth';
import { listAllRequests, listWorkspaceRequests } from '../../requests/store';
import { PLATFORM_WIDE } from '../../db/scope';
import { defineRoute } from '../route';
import { listOf, paging, text, wsParams, unpaged } from '../schemas';

/**
 * Countries whose carriers refuse alphanumeric sender IDs (the North American numbering plan).
 * Partial: Twilio's country guidelines list more; support rejects those by hand.
 */
const NO_ALPHANUMERIC = new Set(['US', 'CA', 'PR']);

const requestBody = z
  .object({
    country: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c), 'an ISO 3166-1 alpha-2 country code, e.g. "US"')
      .openapi({ example: 'US', pattern: '^[A-Za-z]{2}$' }),
    type: z.enum(['local', 'toll_free', 'alphanumeric']),
    areaCode: z.string().regex(/^\d{1,5}$/, '1 to 5 digits').optional().openapi({ example: '415' }),
    region: text(64).optional().openapi({ example: 'CA' }),
    senderId: z
      .string()
      .regex(/^[A-Za-z0-9 ]{3,11}$/, '3 to 11 letters, digits or spaces')
      .refine((s) => /[A-Za-z]/.test(s), 'at least one letter')
      .optional()
      .openapi({ example: 'ACME', pattern: '^(?=.*[A-Za-z])[A-Za-z0-9 ]{3,11}$' }),
    note: z.string().max(1000).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.type !== 'alphanumeric') {
      if (r.senderId) ctx.addIssue({ code: 'custom', path: ['senderId'], message: 'a sender ID goes with type "alphanumeric"' });
      return;
    }
    if (!r.senderId) ctx.addIssue({ code: 'custom', path: ['senderId'], message: 'an alphanumeric request needs the sender ID' });
    if (r.areaCode) ctx.addIssue({ code: 'custom', path: ['areaCode'], message: 'an alphanumeric sender ID has no area code' });
    if (NO_ALPHANUMERIC.has(r.country)) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `carriers in ${r.country} do not accept alphanumeric sender IDs; ask for a local or toll-free number` });
    }
  })
  // The cross-field rule above, for the OpenAPI document (the refinement itself is invisible there).
  .openapi({
    anyOf: [
      { properties: { type: { type: 'string', enum: ['local', 'toll_free'] } }, not: { required: ['senderId'] } },
      { properties: { type: { type: 'string', enum: ['alphanumeric'] } }, required: ['senderId'], not: { required: ['areaCode'] } },
    ],
  });

const timelineEntry = z.object({ at: z.string(), actor: z.string(), step: z.string(), detail: z.string().nullable() });
const requestSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    status: z.enum(REQUEST_STATUSES),
    country: z.string(),
    type: z.enum(['local', 'toll_free', 'alphanumeric']),
    areaCode: z.string().nullable(),
    region: z.string().nullable(),
    senderId: z.string().nullable(),
    note: z.string().nullable(),
    number: z.object({ id: z.string().nullable(), e164: z.string() }).nullable(),
    reason: z.string().nullable().openapi({ description: 'Why it was rejected, expired, failed, or went back to support.' }),
    timeline: z.array(timelineEntry),
    createdAt: z.string(),
  })
  .openapi('NumberRequest');

const candidateSchema = z.object({
  phoneNumber: z.string(),
  friendlyName: z.string(),
  locality: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string(),
});

const idParams = z.object({ id: z.string().min(1).max(64) });
const wsIdParams = wsParams.extend(idParams.shape);

export function requestRoutes(router: Router, services: Services): void {
  const requests = numberRequests(services);
  const customer = { tags: ['Custom numbers'], roles: ['admin'] as const };
  const support = { tags: ['Support'], roles: ['support'] as const };

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/workspaces/:ws/sms/number-requests',
      summary: 'Request a custom number (support provisions it and mails you)',
      ...customer,
      params: wsParams,
      body: requestBody,
      status: 202,
      response: requestSchema,
      errors: [404, 409],
      smsAddon: true,
    },
    ({ params, body, principal }) => requests.submit(params.ws, body, principal),
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/number-requests', summary: "The workspace's custom-number requests, newest first", ...customer, params: wsParams, query: paging, response: listOf(requestSchema), smsAddon: true, errors: [404] },
    async ({ params, query }) => {
      const { items, nextCursor } = await listWorkspaceRequests(params.ws, query);
      return { data: items.map((d) => toRequestView(d)), nextCursor };
    },
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/number-requests/:id', summary: 'A custom-number request and its timeline', ...customer, params: wsIdParams, response: requestSchema, smsAddon: true, errors: [404] },
    ({ params }) => requests.get(params.id, { workspaceId: params.ws }),
  );

  defineRoute(
    router,
    { method: 'delete', path: '/v1/workspaces/:ws/sms/number-requests/:id', summary: 'Cancel a request support has not approved yet', ...customer, params: wsIdParams, response: requestSchema, smsAddon: true, errors: [404, 409] },
    ({ params, principal }) => requests.decide(params.id, 'cancel', actorOf(principal), { workspaceId: params.ws }),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/support/number-requests',
      summary: "Support's queue of custom-number requests, oldest first",
      ...support,
      query: paging.extend({ status: z.enum(REQUEST_STATUSES).optional() }),
      response: listOf(requestSchema),
    },
    async ({ query }) => {
      const { items, nextCursor } = await listAllRequests(query.status, query);
      return { data: items.map((d) => toRequestView(d)), nextCursor };
    },
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/support/number-requests/:id', summary: 'A custom-number request and its timeline', ...support, params: idParams, response: requestSchema, errors: [404] },
    ({ params }) => requests.get(params.id, PLATFORM_WIDE),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/support/number-requests/:id/candidates',
      summary: 'Numbers the provider offers for the request',
      ...support,
      params: idParams,
      response: listOf(candidateSchema),
      errors: [404, 503],
    },
    ({ params }) => unpaged(requests.candidates(params.id)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/support/number-requests/:id/approve',
      summary: 'Approve: provision the number (optionally this exact one), link it and mail the requester',
      ...support,
      params: idParams,
      body: z.object({ phoneNumber: z.string().regex(/^\+[1-9]\d{7,14}$/, 'E.164, e.g. +14155550123').optional() }).strict(),
      response: requestSchema,
      errors: [404, 409],
    },
    ({ params, body, principal }) => requests.decide(params.id, 'approve', actorOf(principal), PLATFORM_WIDE, { phoneNumber: body.phoneNumber }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/support/number-requests/:id/reject',
      summary: 'Reject with a reason the requester is told',
      ...support,
      params: idParams,
      body: z.object({ reason: text(1000) }).strict(),
      response: requestSchema,
      errors: [404, 409],
    },
    ({ params, body, principal }) => requests.decide(params.id, 'reject', actorOf(principal), PLATFORM_WIDE, { reason: body.reason }),
  );
}
