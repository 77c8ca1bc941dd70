import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { InboundActivities } from '../activities/inbound';

/** One number: a provider list and a read by `_id` per listed text; retried briefly, then left for the next run. */
const { numbersToReconcile, reconcileInboundNumber } = proxyActivities<InboundActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});
/** Numbers reconciled at once, to stay well inside the provider's rate limits. */
const PARALLELISM = 5;

/**
 * Started by the inbound-reconcile schedule, and triggered by every API process as it starts (it
 * may have missed webhooks while it was down): every connected number, a few at a time.
 */
export async function inboundReconcileSweepWorkflow(): Promise<{ numbers: number; ingested: number; failed: number }> {
  const numbers = await numbersToReconcile();
  let ingested = 0;
  let failed = 0;
  for (let i = 0; i < numbers.length; i += PARALLELISM) {
    const results = await Promise.all(
      numbers.slice(i, i + PARALLELISM).map(async (id) => {
        try {
          return await reconcileInboundNumber(id);
        } catch (err) {
          // One number's provider trouble does not stop the others; the next run picks it up again.
          if (err instanceof ActivityFailure) return undefined;
          throw err;
        }
      }),
    );
    for (const r of results) {
      if (r) ingested += r.ingested;
      else failed += 1;
    }
  }
  return { numbers: numbers.length, ingested, failed };
}
