import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { hashKey } from '../workspaces/store';
import { MongoRateStore } from './rateLimitStore';

/** The bearer token's hash (never the secret itself) names the client of a per-key limit. */
const bearerHash = (req: Request): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? hashKey(match[1]).slice(0, 32) : undefined;
};

const address = (req: Request) => ipKeyGenerator(req.ip ?? '');

const tooMany = (what: string, seconds: number) =>
  new AppError('rate_limited', `Too many ${what}; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });

/** Seconds until the client's window ends (what Retry-After says too). */
const secondsLeft = (req: Request) => {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now()) - Date.now()) / 1000));
};

/**
 * The request limits of the API (`/v1/...`; provider webhooks are not behind them): requests per
 * API key and requests per client address (failed authentications: `failedAuthLimit`). Counts live in
 * the database (MongoRateStore), so they hold across API replicas. A limit of 0 turns one off.
 * A store that fails lets the request through (express-rate-limit logs it): a counter must not take the API down.
 */
export function apiLimits(config: Config): RequestHandler[] {
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  const common = {
    windowMs,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
    passOnStoreError: true,
  };
  const handlers: RequestHandler[] = [];
  if (config.RATE_LIMIT_PER_ADDRESS > 0) {
    handlers.push(
      rateLimit({
        ...common,
        identifier: 'per-address',
        limit: config.RATE_LIMIT_PER_ADDRESS,
        store: new MongoRateStore('addr:'),
        keyGenerator: address,
        handler: (req, _res, next) => next(tooMany('requests from your address', secondsLeft(req))),
      }),
    );
  }
  if (config.RATE_LIMIT_PER_KEY > 0) {
    handlers.push(
      rateLimit({
        ...common,
        identifier: 'per-key',
        limit: config.RATE_LIMIT_PER_KEY,
        store: new MongoRateStore('key:'),
        skip: (req) => bearerHash(req) === undefined,
        keyGenerator: (req) => bearerHash(req)!,
        handler: (req, _res, next) => next(tooMany('requests with this API key', secondsLeft(req))),
      }),
    );
  }
  return handlers;
}

/**
 * Guessing keys: every 401 an address earns is counted (by the error handler, before the answer
 * leaves, so the next attempt already sees it); past the limit the address gets 429 for the rest of
 * the window, whatever key it sends, before any key is looked up. Only failures are written, so a
 * successful request costs one read by `_id`.
 */
export function failedAuthLimit(config: Config, log: Logger) {
  const limit = config.AUTH_FAILURE_LIMIT;
  const store = new MongoRateStore('authfail:');
  store.windowMs = config.AUTH_FAILURE_WINDOW_SECONDS * 1000;
  const check: RequestHandler = async (req, res, next) => {
    if (limit === 0) return next();
    const key = address(req);
    res.locals.authFailureKey = key;
    try {
      const failures = await store.get(key);
      if (failures && failures.totalHits >= limit) {
        const seconds = Math.max(1, Math.ceil(((failures.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
        res.setHeader('Retry-After', String(seconds));
        return next(tooMany('failed authentications from your address', seconds));
      }
    } catch (err) {
      log.warn({ err }, 'failed-authentication counter unreadable; request let through');
    }
    next();
  };
  /** Counts a 401 of a request that passed `check`; never throws. */
  const recordFailure = async (res: Response): Promise<void> => {
    const key = res.locals.authFailureKey as string | undefined;
    if (key === undefined) return;
    await store.increment(key).catch((err: unknown) => log.warn({ err }, 'failed authentication not counted'));
  };
  return { check, recordFailure };
}
