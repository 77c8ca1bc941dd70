import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import { numbersToReconcile, reconcileNumber, type ReconcileResult } from '../inbox/reconcile';
import type { ProviderDirectory } from '../provider/directory';
import { ProviderError } from '../provider/errors';

export function createInboundActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const reconcileDeps = { providers: deps.providers, lookbackMs: deps.config.INBOUND_RECONCILE_LOOKBACK_SECONDS * 1000 };
  return {
    numbersToReconcile,

    /** Idempotent: what is stored already is skipped by its provider SID. */
    async reconcileInboundNumber(numberId: string): Promise<ReconcileResult> {
      try {
        return await reconcileNumber(reconcileDeps, numberId);
      } catch (err) {
        if (err instanceof ProviderError) throw ApplicationFailure.retryable(err.sentence, 'ProviderError');
        throw err;
      }
    },
  };
}

export type InboundActivities = ReturnType<typeof createInboundActivities>;
