import { ScheduleAlreadyRunning, type Client, type ScheduleHandle } from '@temporalio/client';

/**
 * A periodic sweep as a Temporal Schedule (one per task queue, so deployments sharing a namespace
 * don't collide). Creating it is idempotent, so every API replica may call this at start; a changed
 * interval updates the existing schedule. A sweep stuck without a worker must not block the
 * following ones forever: its run has a timeout and overlapping runs are skipped.
 */
export async function ensureSweepSchedule(
  temporal: Client,
  sweep: { scheduleId: string; workflowType: string; workflowId: string; taskQueue: string; everySeconds: number; startAt?: Date; minTimeoutMs: number },
): Promise<ScheduleHandle> {
  const everyMs = sweep.everySeconds * 1000;
  const spec = { intervals: [{ every: everyMs }], ...(sweep.startAt && { startAt: sweep.startAt }) };
  const handle = temporal.schedule.getHandle(sweep.scheduleId);
  try {
    await temporal.schedule.create({
      scheduleId: sweep.scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: sweep.workflowType,
        workflowId: sweep.workflowId,
        taskQueue: sweep.taskQueue,
        args: [],
        workflowExecutionTimeout: Math.max(everyMs, sweep.minTimeoutMs),
      },
      policies: { overlap: 'SKIP', catchupWindow: everyMs },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const current = await handle.describe();
    if (current.spec.intervals?.[0]?.every !== everyMs) await handle.update((prev) => ({ ...prev, spec }));
  }
  return handle;
}
