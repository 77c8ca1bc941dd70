import type { Request } from 'express';
import { AppError } from '../errors';
import type { Role } from '../vocabulary';
import { findApiKey } from '../workspaces/store';
import type { Actor } from '../audit/store';

export interface Principal {
  keyId: string;
  role: Role | 'anonymous';
  /** Absent for platform support. */
  workspaceId?: string;
  email?: string;
}

/** Who did it, as the audit trail and a request's timeline record it. */
export const actorOf = (p: Principal): Actor => ({ keyId: p.keyId, role: p.role });

export async function authenticate(req: Request, roles: readonly Role[]): Promise<Principal> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'Send your API key as "Authorization: Bearer <key>".');
  const key = await findApiKey(match[1]);
  if (!key) throw new AppError('unauthenticated', 'This API key is not valid.');
  const principal: Principal = { keyId: key._id, role: key.role as Role, workspaceId: key.workspaceId ?? undefined, email: key.email ?? undefined };
  // A key of another workspace must not learn that the workspace exists: 404, before any role check.
  const ws = req.params.ws;
  if (ws !== undefined && principal.workspaceId !== ws) throw new AppError('not_found', 'Workspace was not found.');
  if (!roles.includes(principal.role as Role)) {
    throw new AppError('forbidden', `This action needs the ${roles.join(' or ')} role; your key has the ${principal.role} role.`);
  }
  return principal;
}
