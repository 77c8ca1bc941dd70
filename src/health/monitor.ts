import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ensureSweepSchedule } from '../temporal/sweepSchedule';
import type { Config } from '../config';
import { AppError } from '../errors';
import { loadChannel } from '../numbers/channel';
import { findNumber } from '../numbers/store';
import { healthIds } from '../temporal/health';
import type { WebhookCheck } from './webhooks';

/**
 * The periodic webhook check is a Temporal Schedule (one per task queue, so separate deployments
 * sharing a namespace don't collide). Creating it is idempotent, so every API replica may call
 * this at start. The first run comes one interval after creation, not at once.
 */
export async function ensureWebhookHealthSchedule(temporal: Client, config: Config, now = new Date()): Promise<void> {
  const seconds = config.WEBHOOK_HEALTH_INTERVAL_SECONDS;
  if (seconds === 0) return;
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  await ensureSweepSchedule(temporal, {
    scheduleId: healthIds.schedule(taskQueue),
    workflowType: 'webhookHealthSweepWorkflow',
    workflowId: healthIds.sweep(taskQueue),
    taskQueue,
    everySeconds: seconds,
    startAt: new Date(now.getTime() + seconds * 1000),
    minTimeoutMs: 60_000,
  });
}

/** "Check now": runs the check for one workspace and waits for it (concurrent requests share one run). */
export async function checkWebhooksNow(temporal: Client, config: Config, workspaceId: string): Promise<WebhookCheck> {
  const channel = await loadChannel(workspaceId);
  if (channel.status !== 'connected') {
    throw new AppError('channel_not_connected', 'No number is connected, so there is no webhook to check. Connect a number first.');
  }
  if (channel.numberId && (await findNumber(channel.numberId))?.type === 'alphanumeric') {
    throw new AppError('conflict', 'The channel sends from a sender ID, which receives nothing: there is no webhook to check.');
  }
  try {
    const result = (await temporal.workflow.execute('webhookCheckWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: healthIds.check(workspaceId),
      args: [workspaceId],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: '1 minute',
    })) as WebhookCheck | null;
    if (!result) throw new AppError('channel_not_connected', 'The number was disconnected while it was being checked.');
    return result;
  } catch (err) {
    if (err instanceof WorkflowFailedError) throw new AppError('unavailable', 'The check could not finish in time; try again in a minute.');
    throw err;
  }
}
