import { ActivityFailure, ApplicationFailure, proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { HealthActivities } from '../activities/health';
import type { WebhookCheck } from '../health/webhooks';

/** Each check reads (and maybe updates) one number at the provider: seconds, retried briefly, then reported. */
const CHECK_TIMEOUT = '30 seconds';
const CHECK_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 };
/** How many numbers are checked at once in a sweep, to stay well inside the provider's rate limits. */
const SWEEP_PARALLELISM = 5;

const { checkWorkspaceWebhooks } = proxyActivities<HealthActivities>({ startToCloseTimeout: CHECK_TIMEOUT, retry: CHECK_RETRY });
const { listConnectedWorkspaces, recordWebhookCheckError } = proxyActivities<HealthActivities>({
  startToCloseTimeout: CHECK_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

async function checkOne(workspaceId: string): Promise<WebhookCheck | null> {
  try {
    return await checkWorkspaceWebhooks(workspaceId);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = err.cause instanceof ApplicationFailure ? err.cause.message : 'the check did not complete';
    return recordWebhookCheckError(workspaceId, `The provider could not be asked about this number's webhooks: ${reason}`);
  }
}

/** One workspace's check, for "check now". */
export async function webhookCheckWorkflow(workspaceId: string): Promise<WebhookCheck | null> {
  return checkOne(workspaceId);
}

/** Started by the webhook-health schedule: every connected number, a few at a time. */
export async function webhookHealthSweepWorkflow(): Promise<Record<string, number>> {
  const workspaces = await listConnectedWorkspaces();
  const tally: Record<string, number> = {};
  for (let i = 0; i < workspaces.length; i += SWEEP_PARALLELISM) {
    const results = await Promise.all(workspaces.slice(i, i + SWEEP_PARALLELISM).map(checkOne));
    for (const r of results) if (r) tally[r.status] = (tally[r.status] ?? 0) + 1;
  }
  return tally;
}
