/*
 * Scheduled messages in a sender (pure functions, workflow-safe). A message with `sendAt` is held
 * aside, not in the number's FIFO queue, so it never blocks the messages behind it. When it falls
 * due it joins the queue in acceptance order: ahead of every message accepted after it that has not
 * been tried yet, behind everything accepted before it and behind any message already tried (a
 * throttled or unanswered one keeps its place at the head, so the back-off still holds the queue).
 */

export interface Schedulable {
  messageId: string;
  sendAt?: number;
  acceptedAt?: number;
  setbacks?: number;
  attempted?: boolean;
}

/** Moves what is due by `now` from `held` into `queue`; returns the messages still held. */
export function admitDue<T extends Schedulable>(queue: T[], held: T[], now: number): T[] {
  const [due, later] = split(held, (m) => (m.sendAt ?? 0) <= now);
  due.sort((a, b) => (a.acceptedAt ?? 0) - (b.acceptedAt ?? 0));
  for (const m of due) {
    const at = queue.findIndex((q) => !q.setbacks && !q.attempted && (q.acceptedAt ?? -Infinity) > (m.acceptedAt ?? 0));
    if (at < 0) queue.push(m);
    else queue.splice(at, 0, m);
  }
  return later;
}

/** When the next held message falls due (Infinity: none held). */
export const nextDue = (held: Schedulable[]) => held.reduce((t, m) => Math.min(t, m.sendAt ?? 0), Infinity);

export function split<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

/** A sender's messages: the FIFO queue and the scheduled ones held aside (absent in older states). */
export interface Queues<T extends Schedulable> {
  queue: T[];
  scheduled?: T[];
}

/** Queues (or, scheduled, holds) a message unless it is there already: a repeated request signals it again. */
export function place<T extends Schedulable>(q: Queues<T>, m: T): void {
  const same = (x: T) => x.messageId === m.messageId;
  if (q.queue.some(same) || q.scheduled?.some(same)) return;
  if (m.sendAt !== undefined) (q.scheduled ??= []).push(m);
  else q.queue.push(m);
}

/** Takes out the messages, queued or held, that `leaves` picks. */
export function takeOut<T extends Schedulable>(q: Queues<T>, leaves: (m: T) => boolean): T[] {
  const [leaving, staying] = split(q.queue, leaves);
  const [leavingHeld, stayingHeld] = split(q.scheduled ?? [], leaves);
  q.queue = staying;
  if (leavingHeld.length > 0) q.scheduled = stayingHeld;
  return [...leaving, ...leavingHeld];
}
