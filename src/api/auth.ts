import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '../errors';
import { ApiKey, type Role } from '../db/models';
import { newId } from '../db/ids';
import { remembered } from '../db/remembered';

export interface Principal {
  keyId: string;
  role: Role | 'anonymous';
  /** Absent for platform support. */
  workspaceId?: string;
  email?: string;
}

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Creates an API key and returns the only copy of its secret; only the hash is stored. */
export async function issueApiKey(input: { role: Role; workspaceId?: string; label?: string; email?: string }) {
  const secret = `sk_${input.role}_${randomBytes(24).toString('base64url')}`;
  const doc = await ApiKey.create({ _id: newId('key'), hash: hashKey(secret), ...input });
  return { id: doc._id, secret };
}

/**
 * Keys by hash, remembered by this process: a key is never changed once issued (none is revoked
 * or edited; a revocation would have to forget it here and in every replica). An unknown key is
 * asked for again each time: it may have been issued through another process since.
 */
const keyByHash = remembered((hash) => ApiKey.findOne({ hash }).lean(), { forMs: 10 * 60_000, maxKeys: 10_000 });

export async function authenticate(req: Request, roles: readonly Role[]): Promise<Principal> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'Send your API key as "Authorization: Bearer <key>".');
  const key = await keyByHash(hashKey(match[1]));
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
