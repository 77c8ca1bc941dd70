import { createHash, randomBytes } from 'node:crypto';
import type { UpdateQuery } from 'mongoose';
import { ApiKey, Workspace, type WorkspaceDoc } from '../db/models/workspaces';
import { newId } from '../db/ids';
import type { Role } from '../vocabulary';
import { remembered } from '../db/remembered';

/*
 * Workspaces and API keys: the only code that reads or writes them. A workspace is found by its own
 * id; an API key by the hash of its secret.
 */

/** The workspace, or null when there is none with this id. */
export async function findWorkspace(workspaceId: string): Promise<WorkspaceDoc | null> {
  return Workspace.findById(workspaceId).lean();
}

export async function workspaceExists(workspaceId: string): Promise<boolean> {
  return (await Workspace.exists({ _id: workspaceId })) !== null;
}

/** Applies `update` to the workspace; returns it as it was before, or null when there is none. */
export async function updateWorkspace(workspaceId: string, update: UpdateQuery<WorkspaceDoc>): Promise<WorkspaceDoc | null> {
  return Workspace.findOneAndUpdate({ _id: workspaceId }, update).lean();
}

/** Creates the workspace with these fields unless it exists (then nothing changes). */
export async function ensureWorkspace(workspaceId: string, fields: Omit<WorkspaceDoc, '_id'>): Promise<void> {
  await Workspace.updateOne({ _id: workspaceId }, { $setOnInsert: fields }, { upsert: true });
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

/** The key whose secret this is, if any. */
export const findApiKey = (secret: string) => keyByHash(hashKey(secret));
