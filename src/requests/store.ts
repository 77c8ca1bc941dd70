import { NumberRequest, type RequestStatus } from '../db/models';
import { newId } from '../db/ids';
import { AppError, notFound } from '../errors';
import { TERMINAL_STATUSES, type RequestSpec, type RequestState, type TimelineEntry } from './state';
import { isDuplicateKeyError } from '../db/errors';

type RequestDoc = NonNullable<Awaited<ReturnType<typeof loadRequest>>>;

const loadRequest = (id: string) => NumberRequest.findById(id).lean();

/**
 * Stores a new request in one of the workspace's open slots ("0".."limit-1"). The slot is part of a
 * unique index, so concurrent requests cannot exceed the limit: each insert either takes a free
 * slot or collides and tries the next.
 */
export async function insertRequest(input: {
  workspaceId: string;
  spec: RequestSpec;
  requestedBy: { keyId: string; email?: string };
  requested: Omit<TimelineEntry, 'at'>;
  openLimit: number;
}) {
  const now = new Date();
  const id = newId('nrq');
  for (let slot = 0; slot < input.openLimit; slot++) {
    try {
      return await NumberRequest.create({
        _id: id,
        workspaceId: input.workspaceId,
        requestedBy: input.requestedBy,
        ...input.spec,
        status: 'pending_approval',
        open: true,
        openSlot: String(slot),
        timeline: [{ ...input.requested, at: now }],
        revision: 1,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  throw new AppError(
    'conflict',
    `This workspace already has ${input.openLimit} open custom-number request${input.openLimit === 1 ? '' : 's'}; wait for support to decide, or cancel one.`,
    { openLimit: input.openLimit },
  );
}

/** Undoes an insert whose workflow could not be started. */
export async function deleteRequest(id: string): Promise<void> {
  await NumberRequest.deleteOne({ _id: id });
}

/** A request as one workspace sees it: another workspace's request does not exist (404). */
export async function findRequest(id: string, workspaceId?: string): Promise<RequestDoc> {
  const doc = await loadRequest(id);
  if (!doc || (workspaceId !== undefined && doc.workspaceId !== workspaceId)) throw notFound('Number request');
  return doc;
}

/**
 * Saves the workflow's snapshot. Conditional on the revision, so a late retry of an older write
 * cannot undo a newer one; a closed request gives its open slot back.
 */
export async function saveRequestState(id: string, revision: number, state: RequestState): Promise<void> {
  const closed = TERMINAL_STATUSES.includes(state.status);
  const $set: Record<string, unknown> = {
    status: state.status,
    open: !closed,
    timeline: state.timeline.map((t) => ({ ...t, at: new Date(t.at) })),
    revision,
    updatedAt: new Date(),
    ...(closed && { openSlot: id }),
  };
  const $unset: Record<string, 1> = {};
  for (const key of ['numberId', 'e164', 'reason'] as const) {
    if (state[key] === undefined) $unset[key] = 1;
    else $set[key] = state[key];
  }
  await NumberRequest.updateOne({ _id: id, revision: { $lt: revision } }, Object.keys($unset).length ? { $set, $unset } : { $set });
}

/** Marks a mail as sent (after the SMTP server took it), so a retried activity does not send it again. */
export async function markMailSent(id: string, kind: string): Promise<void> {
  await NumberRequest.updateOne({ _id: id }, { $addToSet: { mailsSent: kind } });
}

export interface Page {
  limit: number;
  cursor?: string;
}

/** Cursor: the last item's creation time and id, so equal times never skip or repeat an item. */
const encodeCursor = (doc: RequestDoc) => Buffer.from(`${doc.createdAt.toISOString()}|${doc._id}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at);
  if (!id || Number.isNaN(date.getTime())) throw new AppError('validation_failed', 'The cursor is not one this API returned.');
  return { at: date, id };
}

async function page(filter: Record<string, unknown>, order: 1 | -1, { limit, cursor }: Page) {
  const after = cursor ? decodeCursor(cursor) : undefined;
  const op = order === 1 ? '$gt' : '$lt';
  const docs = await NumberRequest.find({
    ...filter,
    ...(after && { $or: [{ createdAt: { [op]: after.at } }, { createdAt: after.at, _id: { [op]: after.id } }] }),
  })
    .sort({ createdAt: order, _id: order })
    .limit(limit + 1)
    .lean();
  const more = docs.length > limit;
  const items = docs.slice(0, limit);
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]) : null };
}

/** The workspace's requests, newest first. */
export const listWorkspaceRequests = (workspaceId: string, p: Page) => page({ workspaceId }, -1, p);

/** Support's queue, oldest first (who waited longest comes first). */
export const listAllRequests = (status: RequestStatus | undefined, p: Page) => page(status ? { status } : {}, 1, p);

export type { RequestDoc };
