import { z } from 'zod';
import { AppError } from '../errors';

/**
 * Opaque page cursors over a (time, id) key: the id breaks ties between equal times, so paging
 * neither skips nor repeats rows that share a timestamp.
 */
const cursorSchema = z.object({ t: z.iso.datetime(), id: z.string().min(1).max(64) });

export interface Cursor {
  at: Date;
  id: string;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify({ t: c.at.toISOString(), id: c.id })).toString('base64url');

export function decodeCursor(value: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf-8'));
  } catch {
    parsed = undefined;
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success) throw new AppError('validation_failed', 'The cursor is not valid: pass the nextCursor of a previous page unchanged.');
  return { at: new Date(r.data.t), id: r.data.id };
}

/** The filter for rows after the cursor in a (field, _id) order, descending or ascending. */
export function afterCursor(field: string, c: Cursor, order: 'asc' | 'desc') {
  const op = order === 'desc' ? '$lt' : '$gt';
  return { $or: [{ [field]: { [op]: c.at } }, { [field]: c.at, _id: { [op]: c.id } }] };
}

/** The filter for the rows after `cursor` (none: from the start) in a (field, _id) order. */
export const pageFilter = (field: string, order: 'asc' | 'desc', cursor?: string) => (cursor ? afterCursor(field, decodeCursor(cursor), order) : {});

/**
 * One page from rows read with a limit of `limit + 1`: the extra row only says that more follow,
 * and the cursor names the last row shown by its (time, id) key.
 */
export function toPage<T extends { _id: string }>(rows: T[], limit: number, timeOf: (row: T) => Date): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit ? encodeCursor({ at: timeOf(last), id: last._id }) : null };
}
