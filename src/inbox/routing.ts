import type { KnownNumber } from '../numbers/lookup';
import { holderOf } from '../numbers/pool';

/**
 * The workspace that receives what is sent to one of our numbers: the owner of a custom or
 * bring-your-own number; for a shared number its holder, or during a cool-down the workspace that
 * held it last (late replies still reach it). Undefined: nobody holds it.
 */
export async function workspaceReceiving(number: Pick<KnownNumber, '_id' | 'kind' | 'ownerWorkspaceId'>): Promise<string | undefined> {
  if (number.kind !== 'shared') return number.ownerWorkspaceId ?? undefined;
  return holderOf(number._id);
}
