import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { NUMBER_RELEASE_WORKFLOW, workflowIds, type NumberReleaseInput } from '../temporal/names';

export interface ReleaseScheduler {
  schedule(input: NumberReleaseInput): Promise<void>;
  cancel(numberId: string): Promise<void>;
}

/** Starts and cancels the durable cool-down timers that return shared numbers to the pool. */
export function temporalReleaseScheduler(temporal: Client, taskQueue: string): ReleaseScheduler {
  return {
    async schedule(input) {
      await temporal.workflow.start(NUMBER_RELEASE_WORKFLOW, {
        taskQueue,
        workflowId: workflowIds.numberRelease(input.numberId),
        args: [input],
        // A newer reservation of the same number supersedes an older timer.
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      });
    },
    async cancel(numberId) {
      try {
        await temporal.workflow.getHandle(workflowIds.numberRelease(numberId)).cancel();
      } catch (err) {
        // No timer running: nothing to cancel (and the release only ever ends reservations).
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
