import type { ActivityDeps } from './deps';
import { createNumberActivities } from './numbers';
import { createHealthActivities } from './health';
import { createInboundActivities } from './inbound';
import { createRequestActivities } from './requests';
import { createMessagingActivities } from './messaging';

/** Every activity the worker registers, composed from the feature factories. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNumberActivities(),
    ...createHealthActivities(deps),
    ...createInboundActivities(deps),
    ...createRequestActivities(deps),
    ...createMessagingActivities(deps),
  };
}
