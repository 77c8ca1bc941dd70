import { AuditEntry } from '../db/models';
import { newId } from '../db/ids';

export interface Actor {
  keyId: string;
  role: string;
}

/** Who changed what, when, with the state before and after. */
export async function recordAudit(entry: { workspaceId: string; actor: Actor; action: string; before: unknown; after: unknown }) {
  await AuditEntry.create({ _id: newId('aud'), at: new Date(), ...entry });
}

export async function listAudit(workspaceId: string, limit: number, before?: Date) {
  return AuditEntry.find({ workspaceId, ...(before ? { at: { $lt: before } } : {}) })
    .sort({ at: -1 })
    .limit(limit)
    .lean();
}
