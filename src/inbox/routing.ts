import type { PhoneNumberDoc } from '../db/models';
import { remembered } from '../db/remembered';
import { workspaceHoldingNumber } from '../numbers/pool';

/**
 * Who holds a shared number, remembered for 2 s: under a burst, one read instead of one per message.
 * The holder changes on connect (the number was free: nothing remembered, since only a holder is)
 * and at the end of a cool-down (days); until then disconnecting keeps replies with the workspace.
 */
const holderOf = remembered(workspaceHoldingNumber, { forMs: 2_000 });

/**
 * The workspace that receives what is sent to one of our numbers: the owner of a custom or
 * bring-your-own number; for a shared number its holder, or during a cool-down the workspace that
 * held it last (late replies still reach it). Undefined: nobody holds it.
 */
export async function workspaceReceiving(number: Pick<PhoneNumberDoc, '_id' | 'kind' | 'ownerWorkspaceId'>): Promise<string | undefined> {
  if (number.kind !== 'shared') return number.ownerWorkspaceId ?? undefined;
  return holderOf(number._id);
}
