import { AppError, notFound } from '../errors';
import { findWorkspace } from '../workspaces/store';
import { recordAudit, type Actor } from '../audit/store';
import { acquireNumber, dropHold, reserveNumber } from './pool';
import type { ReleaseScheduler } from './release';
import { allHolds, findChannelDoc, numberUsableBy, ownNumbers, sharedNumbers, writeChannelAtRevision, type PhoneNumberDoc } from './store';
import type { SenderNotifier } from '../messaging/notify';

export interface NumberView {
  id: string;
  e164: string;
  kind: string;
  type: string;
  country: string;
  throughputPerSecond: number;
}

export const toNumberView = (n: PhoneNumberDoc): NumberView => ({
  id: n._id,
  e164: n.e164,
  kind: n.kind,
  type: n.type,
  country: n.country,
  throughputPerSecond: n.throughputPerSecond,
});

type ChannelDoc = {
  status: string;
  enabled: boolean;
  numberId?: string | null;
  revision: number;
  webhook?: { status?: string | null; checkedAt?: Date | null; detail?: string | null } | null;
  lastInboundAt?: Date | null;
};

const NOT_CONFIGURED: ChannelDoc = { status: 'not_configured', enabled: true, revision: 0 };

/**
 * The channel's settings. With `revision` (the one the admin's page showed), a change computed from
 * settings that have moved on since is refused instead of silently overwriting someone else's.
 */
export async function loadChannel(workspaceId: string, revision?: number): Promise<ChannelDoc> {
  const channel = ((await findChannelDoc(workspaceId)) as ChannelDoc | null) ?? NOT_CONFIGURED;
  if (revision !== undefined && revision !== channel.revision) throw changedMeanwhile();
  return channel;
}

const changedMeanwhile = () => new AppError('conflict', 'The SMS settings were changed at the same time by someone else. Reload and try again.');

/** The settings page: status, number, add-on and webhook health. */
export async function getChannelView(workspaceId: string) {
  const [workspace, channel] = await Promise.all([findWorkspace(workspaceId), loadChannel(workspaceId)]);
  if (!workspace) throw notFound('Workspace');
  const number = channel.numberId ? await numberUsableBy(workspaceId, channel.numberId) : null;
  return {
    workspaceId,
    status: channel.status,
    enabled: channel.enabled,
    number: number ? toNumberView(number) : null,
    addon: { active: workspace.addons?.sms?.active === true },
    webhook: {
      status: channel.webhook?.status ?? 'unknown',
      checkedAt: channel.webhook?.checkedAt?.toISOString() ?? null,
      detail: channel.webhook?.detail ?? null,
    },
    lastInboundAt: channel.lastInboundAt?.toISOString() ?? null,
    revision: channel.revision,
  };
}

/** The Number dropdown: free shared numbers, shared numbers this workspace holds or has reserved, and its own. */
export async function listSelectableNumbers(workspaceId: string, now = new Date()): Promise<NumberView[]> {
  const [shared, own, holds] = await Promise.all([sharedNumbers(), ownNumbers(workspaceId), allHolds()]);
  const holdBy = new Map(holds.map((h) => [h._id, h]));
  const selectable = shared.filter((n) => {
    const hold = holdBy.get(n._id);
    if (!hold || hold.workspaceId === workspaceId) return true;
    return hold.state === 'reserved' && hold.reservedUntil !== undefined && hold.reservedUntil !== null && hold.reservedUntil <= now;
  });
  return [...own, ...selectable].map(toNumberView);
}

export interface ChannelDeps {
  releases: ReleaseScheduler;
  cooldownSeconds: number;
  /** Tells the number's sender (its queued messages pause, resume, or fail); absent where nothing can be queued. */
  senders?: SenderNotifier;
}

/**
 * Configure → Save: connects a number, or switches to another. A shared number is taken atomically
 * (409 number_unavailable when another workspace has it); the number left behind is reserved for
 * this workspace during the cool-down, then released by a durable timer.
 */
export async function connectNumber(
  deps: ChannelDeps,
  input: { workspaceId: string; numberId: string; enabled?: boolean; revision?: number; actor: Actor },
) {
  const { workspaceId, numberId, actor } = input;
  const number = await numberUsableBy(workspaceId, numberId);
  if (!number) throw notFound('Number');
  const before = await loadChannel(workspaceId, input.revision);
  const enabled = input.enabled ?? before.enabled;
  if (before.status === 'connected' && before.numberId === numberId) {
    if (enabled !== before.enabled) return setEnabled(workspaceId, enabled, actor, before.revision, deps.senders);
    return getChannelView(workspaceId);
  }

  const now = new Date();
  if (number.kind === 'shared') {
    const held = await acquireNumber(numberId, workspaceId, now);
    if (held === 'unavailable') {
      throw new AppError('number_unavailable', `${number.e164} is no longer available: another workspace connected it. Choose another number.`);
    }
    await deps.releases.cancel(numberId);
  }

  const updated = await writeChannelAtRevision(workspaceId, before.revision, {
    status: 'connected',
    enabled,
    numberId,
    e164: number.e164,
  });
  if (!updated) {
    if (number.kind === 'shared') await dropHold(numberId, workspaceId);
    throw changedMeanwhile();
  }
  if (before.numberId && before.numberId !== numberId) {
    await deps.senders?.channelChanged(before.numberId, { workspaceId, revision: before.revision + 1, state: 'gone' });
    await leaveNumber(deps, workspaceId, before.numberId, now);
  }
  await recordAudit({
    workspaceId,
    actor,
    action: before.status === 'connected' ? 'sms.number.switched' : 'sms.number.connected',
    before: snapshot(before),
    after: { status: 'connected', enabled, numberId },
  });
  return getChannelView(workspaceId);
}

/** The Enabled switch: off keeps the number and stops sending. */
export async function setEnabled(workspaceId: string, enabled: boolean, actor: Actor, revision?: number, senders?: SenderNotifier) {
  const before = await loadChannel(workspaceId, revision);
  if (before.status === 'not_configured') {
    throw new AppError('channel_not_connected', 'Connect a number first (Configure → Number → Save), then turn sending on or off.');
  }
  if (before.enabled !== enabled) {
    if (!(await writeChannelAtRevision(workspaceId, before.revision, { enabled }))) throw changedMeanwhile();
    if (before.numberId) await senders?.channelChanged(before.numberId, { workspaceId, revision: before.revision + 1, state: enabled ? 'sending' : 'paused' });
    await recordAudit({ workspaceId, actor, action: enabled ? 'sms.enabled' : 'sms.disabled', before: snapshot(before), after: { ...snapshot(before), enabled } });
  }
  return getChannelView(workspaceId);
}

/** Disconnect: outbound is blocked until a number is connected again; a shared number cools down. */
export async function disconnect(deps: ChannelDeps, workspaceId: string, actor: Actor) {
  const before = await loadChannel(workspaceId);
  if (before.status !== 'connected' || !before.numberId) {
    throw new AppError('channel_not_connected', 'No number is connected, so there is nothing to disconnect.');
  }
  if (!(await writeChannelAtRevision(workspaceId, before.revision, { status: 'disconnected', numberId: undefined, e164: undefined }))) throw changedMeanwhile();
  await deps.senders?.channelChanged(before.numberId, { workspaceId, revision: before.revision + 1, state: 'gone' });
  await leaveNumber(deps, workspaceId, before.numberId, new Date());
  await recordAudit({ workspaceId, actor, action: 'sms.disconnected', before: snapshot(before), after: { status: 'disconnected', enabled: before.enabled, numberId: null } });
  return getChannelView(workspaceId);
}

async function leaveNumber(deps: ChannelDeps, workspaceId: string, numberId: string, now: Date) {
  const number = await numberUsableBy(workspaceId, numberId);
  if (number?.kind !== 'shared') return; // the workspace's own numbers stay in its dropdown
  await reserveNumber(numberId, workspaceId, new Date(now.getTime() + deps.cooldownSeconds * 1000));
  await deps.releases.schedule({ numberId, workspaceId, cooldownSeconds: deps.cooldownSeconds });
}

const snapshot = (c: ChannelDoc) => ({ status: c.status, enabled: c.enabled, numberId: c.numberId ?? null });
