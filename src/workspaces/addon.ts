import { AppError, notFound } from '../errors';
import { findWorkspace, updateWorkspace } from './store';
import { recordAudit, type Actor } from '../audit/store';

export const ADDON_REQUIRED_MESSAGE =
  'The Text Messages add-on is not active for this workspace. An admin can turn it on under Billing → Add-ons (PUT /v1/workspaces/{ws}/addons/sms {"active": true}).';

export async function isSmsAddonActive(workspaceId: string): Promise<boolean> {
  const ws = await findWorkspace(workspaceId);
  if (!ws) throw notFound('Workspace');
  return ws.addons?.sms?.active === true;
}

/** Every SMS route but reading the settings stands behind this. */
export async function requireSmsAddon(workspaceId: string): Promise<void> {
  if (!(await isSmsAddonActive(workspaceId))) throw new AppError('addon_required', ADDON_REQUIRED_MESSAGE);
}

export async function setSmsAddon(workspaceId: string, active: boolean, actor: Actor) {
  const before = await updateWorkspace(workspaceId, { $set: { 'addons.sms.active': active, 'addons.sms.changedAt': new Date() } });
  if (!before) throw notFound('Workspace');
  const wasActive = before.addons?.sms?.active === true;
  if (wasActive !== active) {
    await recordAudit({ workspaceId, actor, action: 'addon.sms.set', before: { active: wasActive }, after: { active } });
  }
  return { active };
}
