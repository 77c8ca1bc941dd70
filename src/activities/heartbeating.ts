import { Context } from '@temporalio/activity';

/** How often: a worker that dies mid-call is noticed within the activity's heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1000;

/**
 * Heartbeats while `work` runs, each beat carrying `details()` (the progress a retry resumes from,
 * if any). The heartbeat's answer is also how a cancellation reaches the activity.
 */
export async function heartbeating<T>(work: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
