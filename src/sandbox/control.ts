import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Carrier } from './carrier';
import { faultConfigSchema } from './faults';
import { InboundError } from './handsets';
import { iso, newSid } from './ids';
import type { OwnedNumber, SandboxMessage } from './types';
import { sandboxPage } from './ui';

/** The ground truth view of a message: ISO dates with milliseconds. */
export function messageView(m: SandboxMessage) {
  return {
    sid: m.sid,
    accountSid: m.accountSid,
    direction: m.direction,
    from: m.from,
    to: m.to,
    body: m.body,
    mediaUrls: m.media.map((x) => x.url),
    segments: m.segments,
    encoding: m.encoding,
    status: m.status,
    errorCode: m.errorCode,
    dateCreated: iso(m.dateCreated),
    dateSent: iso(m.dateSent),
    dateUpdated: iso(m.dateUpdated),
  };
}

export function numberView(n: OwnedNumber) {
  const { fromInventory: _, dateCreated, dateUpdated, ...rest } = n;
  return { ...rest, dateCreated: iso(dateCreated), dateUpdated: iso(dateUpdated) };
}

const inboundSchema = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  body: z.string().max(1600).default(''),
  /** Each a URL of elsewhere, or bytes (base64) the carrier keeps and serves behind the account's basic auth. */
  media: z
    .array(z.union([z.object({ url: z.url(), contentType: z.string().min(1) }).strict(), z.object({ content: z.base64().max(700_000), contentType: z.string().min(1) }).strict()]))
    .max(10)
    .optional(),
});

const seedNumberSchema = z.object({
  accountSid: z.string().optional(),
  phoneNumber: z.string().regex(/^(\+[1-9]\d{7,14}|\d{5,6})$/, 'E.164, or 5–6 digits for a short code'),
  type: z.enum(['local', 'toll_free', 'short_code']),
  smsUrl: z.string().nullable().optional(),
  smsFallbackUrl: z.string().nullable().optional(),
  statusCallback: z.string().nullable().optional(),
  friendlyName: z.string().optional(),
  /** Segments per second for this number, overriding its type's default. */
  throughput: z.number().positive().nullable().optional(),
});

const accountSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-zA-Z]{32}$/).optional(),
  authToken: z.string().min(8).optional(),
  readOnlyNumbers: z.boolean().optional(),
});

const messagesQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  direction: z.enum(['outbound-api', 'outbound-reply', 'inbound', 'outbound']).optional(),
  account: z.string().optional(),
  status: z.string().optional(),
});

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new ControlError(400, 'validation_failed', 'The request is not valid.', z.flattenError(r.error as z.ZodError<Record<string, unknown>>));
  return r.data;
}

/** /sandbox: the routes for people and tests (no authentication: loopback only). */
export function controlRouter(carrier: Carrier): Router {
  const router = Router();
  const { store, numbers, handsets, faults, accounts } = carrier;
  router.use(express.json({ limit: '8mb' }));

  router.get('/', (_req, res) => {
    res.type('html').send(sandboxPage);
  });

  router.post('/inbound', async (req, res) => {
    const input = parse(inboundSchema, req.body);
    try {
      res.json(await handsets.send(input));
    } catch (e) {
      if (e instanceof InboundError) throw new ControlError(404, 'not_found', e.message);
      throw e;
    }
  });

  router.get('/messages', (req, res) => {
    const q = parse(messagesQuery, req.query);
    const out = store
      .list()
      .filter(
        (m) =>
          (!q.from || m.from === q.from) &&
          (!q.to || m.to === q.to) &&
          (!q.account || m.accountSid === q.account) &&
          (!q.status || m.status === q.status) &&
          (!q.direction || (q.direction === 'outbound' ? m.direction !== 'inbound' : m.direction === q.direction)),
      )
      .map(messageView);
    res.json({ messages: out });
  });

  router.get('/messages/:sid', (req, res) => {
    const m = store.get(req.params.sid);
    if (!m) throw new ControlError(404, 'not_found', `No message ${req.params.sid}`);
    res.json(messageView(m));
  });

  router.get('/handsets/:e164/messages', (req, res) => {
    res.json({ messages: handsets.inbox(req.params.e164).map(messageView) });
  });

  router.post('/reset', (_req, res) => {
    carrier.reset();
    res.status(204).end();
  });

  router.get('/numbers', (_req, res) => {
    res.json({ numbers: numbers.list().map(numberView) });
  });

  /** Seeds an owned number (the shared pool); idempotent for the same account. */
  router.post('/numbers', (req, res) => {
    const input = parse(seedNumberSchema, req.body);
    const accountSid = input.accountSid ?? accounts.primary.accountSid;
    if (!accounts.get(accountSid)) throw new ControlError(404, 'not_found', `No account ${accountSid}`);
    const existing = numbers.byPhoneNumber(input.phoneNumber);
    if (existing && existing.accountSid !== accountSid) {
      throw new ControlError(409, 'conflict', `${input.phoneNumber} belongs to another account`);
    }
    const patch = {
      type: input.type,
      ...(input.smsUrl !== undefined && { smsUrl: input.smsUrl }),
      ...(input.smsFallbackUrl !== undefined && { smsFallbackUrl: input.smsFallbackUrl }),
      ...(input.statusCallback !== undefined && { statusCallback: input.statusCallback }),
      ...(input.friendlyName !== undefined && { friendlyName: input.friendlyName }),
      ...(input.throughput !== undefined && { throughput: input.throughput }),
    };
    if (existing) {
      res.json(numberView(numbers.update(existing, patch)));
      return;
    }
    res.status(201).json(numberView(numbers.add({ accountSid, phoneNumber: input.phoneNumber, ...patch })));
  });

  router.get('/accounts', (_req, res) => {
    res.json({ accounts: accounts.list().map((a) => ({ accountSid: a.accountSid })) });
  });

  /** Another account, e.g. a workspace's own (bring-your-own numbers). Tokens are shown: sandbox only. */
  router.post('/accounts', (req, res) => {
    const input = parse(accountSchema, req.body ?? {});
    const account = {
      accountSid: input.accountSid ?? newSid('AC'),
      authToken: input.authToken ?? randomBytes(16).toString('hex'),
      ...(input.readOnlyNumbers && { readOnlyNumbers: true }),
    };
    res.status(201).json(accounts.add(account));
  });

  router.get('/faults', (_req, res) => {
    res.json(faults.current);
  });

  router.post('/faults', (req, res) => {
    const r = faultConfigSchema.safeParse(req.body ?? {});
    if (!r.success) throw new ControlError(400, 'validation_failed', 'The fault configuration is not valid.', z.flattenError(r.error));
    res.json(faults.set(req.body ?? {}));
  });

  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  return router;
}

export const controlErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof ControlError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    return;
  }
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  res.status(status).json({ error: { code: status === 500 ? 'internal' : 'bad_request', message: String(err?.message ?? err) } });
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ code: 20404, message: `The requested resource ${req.path} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
};
