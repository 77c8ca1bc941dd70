import type { Config } from '../config';
import type { Logger } from '../log';
import type { Mailer } from '../mail/mailer';
import type { ProviderDirectory } from '../provider/directory';
import { createNumberActivities } from './numbers';
import { createHealthActivities } from './health';
import { createInboundActivities } from './inbound';
import { createRequestActivities } from './requests';
import { createMessagingActivities } from './messaging';

/** What activities may touch. The worker composes the real ones; SDK clients are built there, never in an activity. */
export interface ActivityDeps {
  config: Config;
  log: Logger;
  providers: ProviderDirectory;
  mailer: Mailer;
}

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
