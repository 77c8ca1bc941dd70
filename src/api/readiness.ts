import mongoose from 'mongoose';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Config } from '../config';

/**
 * A worker long-polls its task queue and polls again as soon as a poll returns (at the latest when
 * the server ends an idle poll after a minute), so a live worker was last seen by Temporal less
 * than READY_WORKER_SEEN_SECONDS ago; a dead or frozen one drops out after that.
 */
async function workerPolls(temporal: Client, config: Config): Promise<boolean> {
  const { pollers } = await temporal.workflowService.describeTaskQueue({
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: { name: config.TEMPORAL_TASK_QUEUE, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const cutoff = Date.now() - config.READY_WORKER_SEEN_SECONDS * 1000;
  return (pollers ?? []).some((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return seconds * 1000 >= cutoff;
  });
}

/** Resolves to false when the check throws or takes longer than 2 s. */
async function answers(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000)))]);
    return result !== false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /readyz: ready to take traffic when the database answers a ping, Temporal answers, and at
 * least one worker polls our task queue (without one, accepted sends and inbound work would only queue up).
 */
export async function readiness(temporal: Client, config: Config) {
  const [mongodb, temporalUp, worker] = await Promise.all([
    answers(async () => mongoose.connection.readyState === 1 && (await mongoose.connection.db!.admin().ping())),
    answers(() => temporal.connection.workflowService.getSystemInfo({})),
    answers(() => workerPolls(temporal, config)),
  ]);
  const checks = { mongodb, temporal: temporalUp, worker };
  return { ready: mongodb && temporalUp && worker, checks };
}
