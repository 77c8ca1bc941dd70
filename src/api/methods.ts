import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { registry } from './openapi';

/** Routes outside the OpenAPI document (operations and documentation pages). */
const UNDOCUMENTED: Array<{ method: string; path: string }> = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'].map((path) => ({
  method: 'get',
  path,
}));

/** An OpenAPI path (`/v1/workspaces/{ws}/sms`) as a pattern matching one request path. */
const patternOf = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`);

/**
 * Placed after every route: a request that no route took, on a path we serve with other methods,
 * gets 405 with `Allow` (a path we do not serve falls through to 404). Built from the OpenAPI
 * registry on first use, after every route has registered itself, so a new route is covered too.
 */
export function methodNotAllowed(): RequestHandler {
  let table: Array<{ pattern: RegExp; methods: Set<string> }> | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    const documented = registry.definitions.flatMap((d) => (d.type === 'route' ? [{ method: d.route.method, path: d.route.path }] : []));
    for (const { method, path } of [...documented, ...UNDOCUMENTED]) {
      const methods = byPath.get(path) ?? new Set<string>();
      methods.add(method.toUpperCase());
      if (method === 'get') methods.add('HEAD');
      byPath.set(path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ pattern: patternOf(path), methods }));
  };
  return (req, res, next) => {
    table ??= build();
    const allowed = new Set<string>();
    for (const { pattern, methods } of table) if (pattern.test(req.path)) methods.forEach((m) => allowed.add(m));
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    const allow = [...allowed].sort().join(', ');
    res.setHeader('Allow', allow);
    next(new AppError('method_not_allowed', `${req.method} is not allowed on ${req.path}; allowed: ${allow}.`));
  };
}
