import { notFound } from '../errors';
import { findWorkspace, updateWorkspace } from '../workspaces/store';
import { recordAudit, type Actor } from '../audit/store';

/** What HELP / INFO answers until an admin writes the workspace's own text. */
export const defaultHelpText = (workspaceName: string) =>
  `${workspaceName}: reply to this number and our team will answer. Reply STOP to unsubscribe, START to resubscribe. Msg&Data rates may apply.`;

export async function helpTextOf(workspaceId: string): Promise<{ helpText: string; isDefault: boolean }> {
  const ws = await findWorkspace(workspaceId);
  if (!ws) throw notFound('Workspace');
  return ws.helpText ? { helpText: ws.helpText, isDefault: false } : { helpText: defaultHelpText(ws.name), isDefault: true };
}

/** Sets the workspace's answer to HELP; null goes back to the default. */
export async function setHelpText(workspaceId: string, helpText: string | null, actor: Actor) {
  const update = helpText === null ? { $unset: { helpText: 1 } } : { $set: { helpText } };
  const before = await updateWorkspace(workspaceId, update);
  if (!before) throw notFound('Workspace');
  if ((before.helpText ?? null) !== helpText) {
    await recordAudit({ workspaceId, actor, action: 'sms.help_text.set', before: { helpText: before.helpText ?? null }, after: { helpText } });
  }
  return helpTextOf(workspaceId);
}
