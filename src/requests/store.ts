import { NumberRequest } from '../db/models';
import { type RequestStatus } from '../vocabulary';
import { newId } from '../db/ids';
import { AppError, notFound } from '../errors';
import { TERMINAL_STATUSES, type RequestSpec, type RequestState, type TimelineEntry } from './state';
import { isDuplicateKeyError } from '../db/errors';
import { pageFilter, toPage } from '../db/paging';
import type { Scope } from '../db/scope';

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

/** The request by its id alone: for its own workflow's activities, which act on nothing else. */
export const requestById = (id: string) => loadRequest(id);

/** Undoes an insert whose workflow could not be started. */
export async function deleteRequest(id: string): Promise<void> {
  await NumberRequest.deleteOne({ _id: id });
}

/** Whose requests a caller may see: one workspace's, or every workspace's for platform support (who works the queue). */
export type RequestScope = Scope;

/** A request as the scope sees it: another workspace's request does not exist (404). */
export async function findRequest(id: string, scope: RequestScope): Promise<RequestDoc> {
  const doc = await loadRequest(id);
  if (!doc || ('workspaceId' in scope && doc.workspaceId !== scope.workspaceId)) throw notFound('Number request');
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

async function page(filter: Record<string, unknown>, order: 1 | -1, { limit, cursor }: Page) {
  const docs = await NumberRequest.find({ ...filter, ...pageFilter('createdAt', order === 1 ? 'asc' : 'desc', cursor) })
    .sort({ createdAt: order, _id: order })
    .limit(limit + 1)
    .lean();
  return toPage(docs, limit, (d) => d.createdAt);
}

/** The workspace's requests, newest first. */
export const listWorkspaceRequests = (workspaceId: string, p: Page) => page({ workspaceId }, -1, p);

/** Support's queue, oldest first (who waited longest comes first). */
export const listAllRequests = (status: RequestStatus | undefined, p: Page) => page(status ? { status } : {}, 1, p);

export type { RequestDoc };
