import type { Mail } from '../mail/mailer';
import type { RequestDoc } from './store';
import { describeSpec, type RequestMailKind, type RequestType } from './state';

export interface MailContext {
  supportEmail: string;
  consoleUrl?: string;
  /** The domain of our Message-IDs. */
  domain: string;
}

const specOf = (r: RequestDoc) => ({
  country: r.country,
  type: r.type as RequestType,
  areaCode: r.areaCode ?? undefined,
  region: r.region ?? undefined,
  senderId: r.senderId ?? undefined,
});

/**
 * The mail for one step of a request, or null when it has no recipient. Its Message-ID is derived
 * from the request and the kind, so a mail sent again after a lost acknowledgement is recognisably
 * the same mail. `connected`: the number is the one the SMS channel uses (else the admin chooses it).
 */
export function composeRequestMail(r: RequestDoc, kind: RequestMailKind, ctx: MailContext, connected = false): Mail | null {
  const messageId = `<${r._id}.${kind}@${ctx.domain}>`;
  const wanted = describeSpec(specOf(r));
  const where = ctx.consoleUrl
    ? `${ctx.consoleUrl.replace(/\/$/, '')}/workspaces/${r.workspaceId}/settings/sms`
    : 'Settings → Channels → Text Messages → Configure';
  if (kind.startsWith('reminder-')) {
    const waitedHours = Math.round((Date.now() - r.createdAt.getTime()) / 360_000) / 10;
    return {
      to: ctx.supportEmail,
      messageId,
      subject: `Reminder: custom-number request ${r._id} is waiting for a decision`,
      text: [
        `Workspace ${r.workspaceId} asked for a custom number (${wanted}) ${waitedHours} hours ago and nobody has decided yet.`,
        r.note ? `Their note: ${r.note}` : '',
        `Candidates: GET /v1/support/number-requests/${r._id}/candidates`,
        `Approve: POST /v1/support/number-requests/${r._id}/approve   Reject: POST /v1/support/number-requests/${r._id}/reject`,
      ]
        .filter(Boolean)
        .join('\n'),
    };
  }
  const to = r.requestedBy?.email;
  if (!to) return null;
  if (kind === 'completed') {
    return {
      to,
      messageId,
      subject: `Your custom number ${r.e164} is ready`,
      text: [
        `Your custom number ${r.e164} (${wanted}) has been set up for your workspace.`,
        connected
          ? 'It is connected to your SMS channel: you can send and receive text messages with it now.'
          : `To use it, open ${where}, choose ${r.e164} in the Number dropdown and click Save.`,
        `Request: ${r._id}`,
      ].join('\n\n'),
    };
  }
  if (kind === 'rejected') {
    return {
      to,
      messageId,
      subject: 'Your custom-number request was not approved',
      text: `Support did not approve your request for a custom number (${wanted}).\n\nReason: ${r.reason ?? 'none given'}\n\nRequest: ${r._id}`,
    };
  }
  return {
    to,
    messageId,
    subject: 'Your custom-number request expired',
    text: `Your request for a custom number (${wanted}) expired before support could decide on it. You can request it again, or choose a shared number in ${where}.\n\nRequest: ${r._id}`,
  };
}
