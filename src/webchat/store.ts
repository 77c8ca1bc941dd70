import { WebchatSession } from '../db/models/inbox';

/*
 * Web-chat visitors' sessions. A session is found by the hash of its token, and only in the
 * workspace whose chat the visitor opened: the workspace id is in every filter.
 */

export type SessionDoc = { _id: string; workspaceId: string; contactId: string };

export async function insertSession(workspaceId: string, session: { _id: string; tokenHash: string; contactId: string; createdAt: Date }): Promise<void> {
  await WebchatSession.create({ ...session, workspaceId });
}

export async function sessionByTokenHash(workspaceId: string, tokenHash: string): Promise<SessionDoc | null> {
  return WebchatSession.findOne({ tokenHash, workspaceId }).lean();
}
