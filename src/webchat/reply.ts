import { AppError } from '../errors';
import { openConversationForReply } from '../inbox/conversations';
import { recordOutgoing } from '../inbox/reply';

/**
 * An agent answers a web-chat visitor from the inbox. Web chat has no carrier: the reply is
 * delivered by being stored where the visitor's chat reads it. SMS replies go through the
 * messages API, which paces and tracks them at the provider.
 */
export async function replyToVisitor(workspaceId: string, conversationId: string, body: string, agentKeyId: string) {
  const conversation = await openConversationForReply(workspaceId, conversationId);
  if (conversation.channel !== 'webchat') {
    throw new AppError(
      'conflict',
      `This is a ${conversation.channel} conversation: send the reply with POST /v1/workspaces/${workspaceId}/messages {"channel": "${conversation.channel}", "to": "${conversation.contactAddress}", "body": …}.`,
    );
  }
  return recordOutgoing({
    workspaceId,
    conversationId,
    channel: 'webchat',
    from: 'webchat',
    to: conversation.contactAddress,
    body,
    status: 'delivered',
    sentBy: agentKeyId,
  });
}
