import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import { connectedWorkspaceIds, recordWebhookState } from '../numbers/store';
import { checkWebhooks, type WebhookCheck } from '../health/webhooks';
import { webhookUrls } from '../provider/webhookUrls';
import type { ProviderDirectory } from '../provider/directory';
import { ProviderError } from '../provider/errors';

export function createHealthActivities(deps: { config: Config; providers: ProviderDirectory }) {
  const checkDeps = { providers: deps.providers, expected: webhookUrls(deps.config) };
  return {
    /** Workspaces with a connected number: the ones whose webhooks matter. */
    async listConnectedWorkspaces(): Promise<string[]> {
      return connectedWorkspaceIds();
    },

    /** Idempotent: reading the provider, and a repair that sets the same URLs again, change nothing more. */
    async checkWorkspaceWebhooks(workspaceId: string): Promise<WebhookCheck | null> {
      try {
        return (await checkWebhooks(checkDeps, workspaceId)) ?? null;
      } catch (err) {
        // The sentence is what the admin reads if every retry fails.
        if (err instanceof ProviderError) throw ApplicationFailure.retryable(err.sentence, 'ProviderError');
        throw err;
      }
    },

    /** When the provider could not be asked at all: the settings say so instead of an old result. */
    async recordWebhookCheckError(workspaceId: string, detail: string): Promise<WebhookCheck> {
      const checkedAt = new Date();
      await recordWebhookState(workspaceId, { status: 'error', checkedAt, detail });
      return { status: 'error', checkedAt: checkedAt.toISOString(), detail };
    },
  };
}

export type HealthActivities = ReturnType<typeof createHealthActivities>;
