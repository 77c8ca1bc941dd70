import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { httpDuration, metrics } from '../metrics';
import type { Services } from '../services';
import { openApiDocument } from './openapi';
import { docsPage } from './docs';
import { apiLimits, failedAuthLimit } from './limits';
import { methodNotAllowed } from './methods';
import { readiness } from './readiness';
import { ownSenderRoutes } from './routes/ownSenders';
import { channelRoutes } from './routes/channel';
import { messageRoutes } from './routes/messages';
import { webhookRoutes } from './routes/webhooks';
import { requestRoutes } from './routes/requests';
import { inboxRoutes } from './routes/conversations';
import { consoleRoutes } from './routes/console';
import { consoleRouter } from '../console/router';

/** Builds the Express app (no port, no connections opened): testable as it is. */
export function createApp(services: Services) {
  const { config, log } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const id = requestIdOf(req.headers['x-request-id']);
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'unmatched', status: res.statusCode }));
    next();
  });
  app.use(express.json({ limit: config.BODY_LIMIT }));
  app.use(express.urlencoded({ extended: false, limit: config.BODY_LIMIT }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness(services.temporal, config);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  // Webhooks (under /webhooks) are not limited: the provider signs them and retries what we refuse.
  const failedAuth = failedAuthLimit(config, log);
  app.use('/v1', failedAuth.check, ...apiLimits(config));

  const router = express.Router();
  channelRoutes(router, services);
  ownSenderRoutes(router, services);
  messageRoutes(router, services);
  webhookRoutes(router, services);
  requestRoutes(router, services);
  inboxRoutes(router, services);
  consoleRoutes(router);
  app.use(router);

  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  docsPage(app);
  app.use(consoleRouter());

  app.use(methodNotAllowed());
  app.use((req, _res, next) => next(new AppError('not_found', `No route ${req.method} ${req.path}.`)));
  app.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = toAppError(err);
    if (error.status >= 500) req.log.error({ err }, 'request failed');
    if (error.status === 401) await failedAuth.recordFailure(res);
    res.status(error.status).json({
      error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
    });
  });
  return app;
}

/**
 * A client's X-Request-Id is kept (so a request can be followed across systems) when it is short
 * and plainly written; anything else is replaced, so a log line or an echoed header cannot carry
 * 6,000 characters or a forged line.
 */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const requestIdOf = (given: string | string[] | undefined) => (typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID());

/** Maps anything thrown to the error contract; internals never reach the response. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number };
  if (e.type === 'entity.parse.failed') return new AppError('validation_failed', 'The request body is not valid JSON.');
  if (e.type === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large.');
  if (e.status === 400 || e.statusCode === 400) return new AppError('validation_failed', 'The request could not be read.');
  return new AppError('internal', 'Something went wrong on our side; the request was not completed. Try again.');
}
