import type { Router } from 'express';
import { z } from 'zod';
import { findWorkspace } from '../../workspaces/store';
import { notFound } from '../../errors';
import { defineRoute } from '../route';

const meSchema = z
  .object({
    role: z.enum(['admin', 'agent', 'support']),
    /** Null for platform support, whose keys belong to no workspace. */
    workspaceId: z.string().nullable(),
    workspaceName: z.string().nullable(),
  })
  .openapi('Me');

/** What the web console asks first: whose key this is, so it shows only what the role may do. */
export function consoleRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/me',
      summary: "The calling key's role and workspace",
      tags: ['Console'],
      roles: ['admin', 'agent', 'support'],
      response: meSchema,
    },
    async ({ principal }) => {
      const role = principal.role as z.infer<typeof meSchema>['role'];
      if (!principal.workspaceId) return { role, workspaceId: null, workspaceName: null };
      const workspace = await findWorkspace(principal.workspaceId);
      if (!workspace) throw notFound('Workspace');
      return { role, workspaceId: principal.workspaceId, workspaceName: workspace.name };
    },
  );
}
