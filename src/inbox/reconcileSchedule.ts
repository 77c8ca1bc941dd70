import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { inboundIds } from '../temporal/inbound';

/**
 * The inbound reconciliation is a Temporal Schedule (one per task queue, created idempotently by
 * every API replica as it starts), so it outlives any process. The API also triggers a run as it
 * starts: webhooks that arrived while it was down are read back from the provider at once.
 */
export async function ensureInboundReconcileSchedule(temporal: Client, config: Config): Promise<void> {
  const seconds = config.INBOUND_RECONCILE_INTERVAL_SECONDS;
  if (seconds === 0) return;
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const scheduleId = inboundIds.schedule(taskQueue);
  const spec = { intervals: [{ every: seconds * 1000 }] };
  const handle = temporal.schedule.getHandle(scheduleId);
  try {
    await temporal.schedule.create({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: 'inboundReconcileSweepWorkflow',
        workflowId: inboundIds.sweep(taskQueue),
        taskQueue,
        args: [],
        // A sweep stuck without a worker must not block the following ones forever (overlap: skip).
        workflowExecutionTimeout: Math.max(seconds * 1000, 120_000),
      },
      policies: { overlap: 'SKIP', catchupWindow: seconds * 1000 },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const current = await handle.describe();
    if (current.spec.intervals?.[0]?.every !== seconds * 1000) await handle.update((prev) => ({ ...prev, spec }));
  }
  // Buffered, not skipped, when a run is going: that run may have listed before the texts this process missed.
  await handle.trigger('BUFFER_ONE');
}
