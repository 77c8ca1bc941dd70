import { workspaceExists } from '../workspaces/store';
import { connectNumber, loadChannel, type ChannelDeps } from '../numbers/channel';
import { findNumberByE164, forgetRequestNumber, insertOwnNumber } from '../numbers/store';
import type { RequestSpec } from './state';
import { isDuplicateKeyError } from '../db/errors';

/** A condition that retrying cannot change: the workflow releases the number. */
export class LinkRefused extends Error {
  override readonly name = 'LinkRefused';
}

export interface LinkInput {
  requestId: string;
  workspaceId: string;
  e164: string;
  providerSid: string;
  spec: RequestSpec;
}

/** The PhoneNumber id of a request's number: derived from the request, so a retried link finds its own record. */
export const requestNumberId = (requestId: string) => `num_${requestId.replace(/^nrq_/, '')}`;

/**
 * Makes a bought number the workspace's custom number, so it appears in its Number dropdown. A
 * workspace that never had a number connected gets it connected (as the system, in the audit
 * trail); one that has or had a number keeps its choice, and an admin picks the new one when they
 * want. Idempotent: a retry finds the record and the connection it made.
 */
export async function linkNumber(channel: ChannelDeps, input: LinkInput, accountSid: string): Promise<{ numberId: string; connected: boolean }> {
  const { requestId, workspaceId, e164 } = input;
  if (!(await workspaceExists(workspaceId))) {
    throw new LinkRefused(`the workspace ${workspaceId} no longer exists`);
  }
  if (input.spec.type === 'alphanumeric') throw new LinkRefused('an alphanumeric sender ID is not a phone number');
  const numberId = requestNumberId(requestId);
  try {
    await insertOwnNumber(workspaceId, {
      _id: numberId,
      e164,
      kind: 'custom',
      type: input.spec.type,
      country: input.spec.country,
      accountSid,
      providerSid: input.providerSid,
      friendlyName: requestId,
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const existing = await findNumberByE164(e164);
    if (existing?._id !== numberId) throw new LinkRefused(`${e164} is already recorded as another number (${existing?._id ?? 'unknown'})`);
  }

  const current = await loadChannel(workspaceId);
  if (current.status === 'not_configured') {
    await connectNumber(channel, { workspaceId, numberId, actor: { keyId: `number-request:${requestId}`, role: 'system' } });
    return { numberId, connected: true };
  }
  return { numberId, connected: current.status === 'connected' && current.numberId === numberId };
}

/** Compensation's database half: forgets the record of a number about to be released. */
export async function forgetNumber(requestId: string): Promise<void> {
  await forgetRequestNumber(requestNumberId(requestId), requestId);
}
