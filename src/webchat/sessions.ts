import { createHash, randomBytes } from 'node:crypto';
import { AppError, notFound } from '../errors';
import { workspaceExists } from '../workspaces/store';
import { newId } from '../db/ids';
import { findOrCreateContact } from '../inbox/threads';
import { receiveMessage } from '../inbox/receive';
import { messagePage } from '../inbox/store/conversations';
import { setContactName } from '../inbox/store/contacts';
import { contactThreadIds } from '../inbox/store/threads';
import { insertSession, sessionByTokenHash } from './store';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface Visitor {
  sessionId: string;
  workspaceId: string;
  contactId: string;
  address: string;
}

/** A visitor opens the chat: a contact of its own and a token, whose only copy goes back to the visitor. */
export async function startSession(workspaceId: string, input: { name?: string }) {
  if (!(await workspaceExists(workspaceId))) throw notFound('Workspace');
  const sessionId = newId('wcs');
  const token = `wct_${randomBytes(24).toString('base64url')}`;
  const contact = await findOrCreateContact(workspaceId, `webchat:${sessionId}`);
  if (input.name) await setContactName(workspaceId, contact._id, input.name);
  await insertSession(workspaceId, { _id: sessionId, tokenHash: hashToken(token), contactId: contact._id, createdAt: new Date() });
  return { sessionId, token };
}

/** The visitor behind `Authorization: Bearer wct_…`, in this workspace only. */
export async function authenticateVisitor(workspaceId: string, authorization: string | undefined): Promise<Visitor> {
  const token = /^Bearer\s+(wct_\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new AppError('unauthenticated', 'Send the visitor token from POST /v1/webchat/{ws}/sessions as "Authorization: Bearer <token>".');
  const session = await sessionByTokenHash(workspaceId, hashToken(token));
  if (!session) throw new AppError('unauthenticated', 'This visitor token is not valid for this chat.');
  return { sessionId: session._id, workspaceId, contactId: session.contactId, address: `webchat:${session._id}` };
}

export async function postVisitorMessage(visitor: Visitor, body: string) {
  const received = await receiveMessage({ workspaceId: visitor.workspaceId, channel: 'webchat', from: visitor.address, to: 'webchat', body });
  return { id: received.messageId, direction: 'inbound' as const, body, createdAt: received.createdAt.toISOString() };
}

/** What the visitor sees: their messages and the replies, oldest first, without the inbox's internals. */
export async function visitorMessages(visitor: Visitor, q: { limit: number; cursor?: string }) {
  const threadIds = await contactThreadIds(visitor.workspaceId, 'webchat', visitor.contactId);
  const { items, nextCursor } = await messagePage(visitor.workspaceId, threadIds, {}, q);
  return {
    data: items.map((m) => ({ id: m._id, direction: m.direction, body: m.body ?? '', createdAt: m.createdAt.toISOString() })),
    nextCursor,
  };
}
