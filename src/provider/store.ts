import { ProviderAccount } from '../db/models/numbers';

/*
 * Workspaces' own provider accounts (bring-your-own numbers). An account's `_id` is its SID; the
 * functions over one workspace's account take the workspace id and put it in their filter. The
 * token is stored sealed (secrets/tokenCipher.ts) and never leaves this store in clear.
 */

export type ProviderAccountDoc = { _id: string; workspaceId: string; sealedToken: string; createdAt: Date; updatedAt?: Date | null };

/** The workspace's account (a workspace has one at most). */
export async function accountOfWorkspace(workspaceId: string): Promise<ProviderAccountDoc | null> {
  return ProviderAccount.findOne({ workspaceId }).lean();
}

/** Stores the workspace's account; a duplicate-key error says the SID was stored meanwhile. */
export async function insertAccount(workspaceId: string, accountSid: string, sealedToken: string, now: Date): Promise<void> {
  await ProviderAccount.create({ _id: accountSid, workspaceId, sealedToken, createdAt: now, updatedAt: now });
}

/** Replaces the token of the workspace's account (the provider's console rotated it). */
export async function replaceToken(workspaceId: string, accountSid: string, sealedToken: string, now: Date): Promise<void> {
  await ProviderAccount.updateOne({ _id: accountSid, workspaceId }, { $set: { sealedToken, updatedAt: now } });
}

export async function deleteAccount(workspaceId: string, accountSid: string): Promise<void> {
  await ProviderAccount.deleteOne({ _id: accountSid, workspaceId });
}

// ---- platform-wide by design ---------------------------------------------------------------------

/**
 * The account with this SID, whichever workspace added it: a webhook names only the account (its
 * token checks the signature), and an account is added by one workspace on the whole platform.
 */
export async function findAccount(accountSid: string): Promise<ProviderAccountDoc | null> {
  return ProviderAccount.findById(accountSid).lean();
}

/** Every account's sealed token, for the key rotation that reseals them all. */
export function allSealedTokens(): AsyncIterable<{ _id: string; sealedToken: string }> {
  return ProviderAccount.find({}, { sealedToken: 1 }).lean().cursor();
}

/** Reseals a token only over the value read, so a token replaced meanwhile is left as its workspace wrote it. True when changed. */
export async function resealToken(accountSid: string, from: string, to: string): Promise<boolean> {
  const result = await ProviderAccount.updateOne({ _id: accountSid, sealedToken: from }, { $set: { sealedToken: to } });
  return result.modifiedCount === 1;
}
