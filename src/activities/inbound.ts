import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import { reconcileNumber, type ReconcileResult } from '../inbox/reconcile';
import { connectedNumberIds } from '../numbers/store';
import type { ProviderDirectory } from '../provider/directory';
import { ProviderError } from '../provider/errors';

export function createInboundActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const reconcileDeps = { providers: deps.providers, lookbackMs: deps.config.INBOUND_RECONCILE_LOOKBACK_SECONDS * 1000 };
  return {
    /** The numbers whose inbound texts are reconciled: the connected ones. */
    numbersToReconcile: connectedNumberIds,

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
