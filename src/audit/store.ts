import { AuditEntry } from '../db/models';
import { newId } from '../db/ids';
import { pageFilter, toPage } from '../db/paging';

export interface Actor {
  keyId: string;
  role: string;
}

/** Who changed what, when, with the state before and after. */
export async function recordAudit(entry: { workspaceId: string; actor: Actor; action: string; before: unknown; after: unknown }) {
  await AuditEntry.create({ _id: newId('aud'), at: new Date(), ...entry });
}

/** The workspace's trail, newest first, paged on (at, id): entries written in the same millisecond are neither skipped nor repeated. */
export async function listAudit(workspaceId: string, limit: number, cursor?: string) {
  const rows = await AuditEntry.find({ workspaceId, ...pageFilter('at', 'desc', cursor) })
    .sort({ at: -1, _id: -1 })
    .limit(limit + 1)
    .lean();
  return toPage(rows, limit, (e) => e.at);
}
