import type { Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { AppError } from '../errors';
import type { Role } from '../vocabulary';
import { authenticate, type Principal } from './auth';
import { errorSchema, registry } from './openapi';
import { requireSmsAddon } from '../workspaces/addon';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** Express path, e.g. /v1/workspaces/:ws/sms */
  path: string;
  summary: string;
  tags?: string[];
  /** Who may call it; omitted: no API key (public or signed by the provider). */
  roles?: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Successful status and its body schema. */
  status?: number;
  response?: ZodType;
  errors?: number[];
  /** Only while the workspace (`:ws`) has the Text Messages add-on: otherwise 402 addon_required, before the handler runs. */
  smsAddon?: true;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  req: Request;
  res: Response;
}

const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

/**
 * Mounts a handler behind authentication and zod validation, and documents it in the OpenAPI
 * registry from the very schemas that validate it. A handler returns the body to send.
 */
export function defineRoute<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType>(
  router: Router,
  spec: RouteSpec<P, Q, B>,
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>,
): void {
  const status = spec.status ?? 200;
  const errorResponses = Object.fromEntries(
    // Every keyed route can answer 401/403 and the abuse limits' 429; a path with an id, 404 (another workspace's ids too).
    [...new Set([400, ...(spec.roles ? [401, 403, 429] : []), ...(spec.path.includes('/:') ? [404] : []), ...(spec.smsAddon ? [402] : []), ...(spec.errors ?? [])])]
      .sort()
      .map((code) => [
      String(code),
      { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
    ]),
  );
  registry.registerPath({
    method: spec.method,
    path: toOpenApiPath(spec.path),
    summary: spec.summary,
    tags: spec.tags,
    security: spec.roles ? [{ apiKey: [] }] : undefined,
    request: {
      params: spec.params as never,
      query: spec.query as never,
      // Required exactly when the validator refuses a missing body (it reads a missing body as {}).
      body: spec.body ? { required: !spec.body.safeParse({}).success, content: { 'application/json': { schema: spec.body } } } : undefined,
    },
    responses: {
      [String(status)]: spec.response
        ? { description: 'OK', content: { 'application/json': { schema: spec.response } } }
        : { description: 'OK' },
      ...errorResponses,
    },
  });

  router[spec.method](spec.path, async (req: Request, res: Response) => {
    const principal = spec.roles ? await authenticate(req, spec.roles) : ({ role: 'anonymous' } as Principal);
    const params = parse('params', spec.params, req.params);
    const query = parse('query', spec.query, req.query);
    const body = parse('body', spec.body, req.body ?? {});
    if (spec.smsAddon) await requireSmsAddon((params as { ws: string }).ws);
    const result = await handler({ params, query, body, principal, req, res });
    if (res.headersSent) return;
    if (result === undefined) res.status(status === 200 ? 204 : status).end();
    else res.status(status).json(result);
  });
}

function parse<T extends ZodType | undefined>(where: string, schema: T, value: unknown) {
  if (!schema) return value as never;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      `The request ${where} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`).join('; ')}.`,
      { [where]: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    );
  }
  return parsed.data as never;
}
