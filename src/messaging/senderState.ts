import { senderNumberFields, sendingSettings } from '../numbers/store';
import { remembered } from '../db/remembered';
import type { ChannelState } from '../temporal/sender';

/**
 * Sender numbers this process read lately: what is used of a number (E.164, account) changes only
 * when support reconfigures it, which a few seconds later is soon enough.
 */
export type SenderNumber = { _id: string; e164: string; accountSid: string; throughputPerSecond: number };
export const senderNumber = remembered<SenderNumber>(senderNumberFields, {
  forMs: 5_000,
  maxKeys: 1_000,
});

/** The workspace's settings as they concern `numberId`. */
export async function channelStateFor(workspaceId: string, numberId: string): Promise<ChannelState> {
  const channel = await sendingSettings(workspaceId);
  const connected = channel?.status === 'connected' && channel.numberId === numberId;
  return { workspaceId, revision: channel?.revision ?? 0, state: !connected ? 'gone' : channel.enabled ? 'sending' : 'paused' };
}
