import type { Client } from '@temporalio/client';
import { ensureSweepSchedule } from '../temporal/sweepSchedule';
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
  const handle = await ensureSweepSchedule(temporal, {
    scheduleId: inboundIds.schedule(taskQueue),
    workflowType: 'inboundReconcileSweepWorkflow',
    workflowId: inboundIds.sweep(taskQueue),
    taskQueue,
    everySeconds: seconds,
    minTimeoutMs: 120_000,
  });
  // Buffered, not skipped, when a run is going: that run may have listed before the texts this process missed.
  await handle.trigger('BUFFER_ONE');
}
