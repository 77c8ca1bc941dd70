import { createHash } from 'node:crypto';
import { Message, RecipientTurn } from '../db/models';
import { isDuplicateKeyError } from '../db/errors';

/*
 * Acceptance order per (workspace, recipient) without a scan. Each accepted message takes the next
 * turn in its recipient's line by a unique insert (`<lineId>:<turn>`): the insert is the
 * arbitration, as for pace slots. A turn is only ever taken right after one that exists, so turns
 * are dense, the one before a message is a read by _id, and the end of a line this process has not
 * seen yet is found in a few reads (doubling, then halving).
 */

const lineIdFor = (workspaceId: string, to: string) => `line_${createHash('sha256').update(`${workspaceId}\n${to}`).digest('hex').slice(0, 24)}`;
const turnId = (line: string, turn: number) => `${line}:${turn}`;

/** The next free turn of lines this process took turns in: a guess the insert checks, so staleness only costs a retry. */
const nextTurns = new Map<string, number>();
const MAX_LINES_REMEMBERED = 10_000;
const MAX_TRIES = 20;

/** Takes the recipient's next turn for the message and returns it. */
export async function takeRecipientTurn(workspaceId: string, to: string, messageId: string): Promise<number> {
  const line = lineIdFor(workspaceId, to);
  // A line not seen yet is most often new: trying turn 0 costs one insert, searching first a read more.
  let turn = nextTurns.get(line) ?? 0;
  for (let tries = 1; ; tries++) {
    try {
      await RecipientTurn.create({ _id: turnId(line, turn), messageId });
      if (nextTurns.size >= MAX_LINES_REMEMBERED) nextTurns.clear();
      nextTurns.set(line, turn + 1);
      return turn;
    } catch (err) {
      if (!isDuplicateKeyError(err) || tries >= MAX_TRIES) throw err;
      turn = await firstFreeTurn(line, turn + 1);
    }
  }
}

/** The first turn at or after `from` nobody holds, given that `from - 1` is held. */
async function firstFreeTurn(line: string, from: number): Promise<number> {
  const held = async (turn: number) => Boolean(await RecipientTurn.exists({ _id: turnId(line, turn) }));
  if (!(await held(from))) return from;
  let low = from;
  let high = from + 1;
  while (await held(high)) {
    low = high;
    high = from + 2 * (high - from);
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await held(mid)) low = mid;
    else high = mid;
  }
  return high;
}

export interface InLine {
  _id: string;
  workspaceId: string;
  to: string;
  recipientTurn: number;
}

/**
 * Whether an earlier message to the same recipient still has to go first. `slot`: one that has not
 * left holds no pace slot yet (this one must not take an earlier slot than it). `send`: one has not
 * left yet. Walks back from the turn before this one, past messages that ended without leaving,
 * and stops at the first that left: it only left once every message before it had.
 */
export async function earlierInLine(m: InLine, need: 'slot' | 'send'): Promise<boolean> {
  const line = lineIdFor(m.workspaceId, m.to);
  const now = Date.now();
  for (let turn = m.recipientTurn - 1; turn >= 0; turn--) {
    const entry = await RecipientTurn.findById(turnId(line, turn)).lean();
    const earlier =
      entry && entry.messageId !== m._id
        ? await Message.findById(entry.messageId, { status: 1, providerSid: 1, slotAt: 1, validUntil: 1, recipientTurn: 1 }).lean()
        : null;
    // A turn whose message was never stored, or holds another turn (the same request accepted twice at once).
    if (!earlier || earlier.recipientTurn !== turn) continue;
    if (earlier.providerSid) return false;
    // Ended without leaving, or past its validity (it is about to end): it holds nobody up.
    if (earlier.status !== 'accepted' || (earlier.validUntil?.getTime() ?? 0) <= now) continue;
    if (need === 'send' || !earlier.slotAt) return true;
  }
  return false;
}
