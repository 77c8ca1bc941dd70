import { proxyActivities, sleep } from '@temporalio/workflow';
import type { NumberActivities } from '../activities/numbers';
import type { NumberReleaseInput } from '../temporal/names';

const { releaseReservedNumber } = proxyActivities<NumberActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Keeps a shared number reserved for the workspace that held it during the cool-down (late
 * replies still reach that workspace), then returns it to the pool. Cancelled when the workspace
 * connects the number again; the activity only releases a reservation, never a held number.
 */
export async function numberReleaseWorkflow(input: NumberReleaseInput): Promise<'released' | 'kept'> {
  await sleep(input.cooldownSeconds * 1000);
  const released = await releaseReservedNumber(input.numberId, input.workspaceId);
  return released ? 'released' : 'kept';
}
