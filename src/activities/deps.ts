import type { Config } from '../config';
import type { Logger } from '../log';
import type { Mailer } from '../mail/mailer';
import type { ProviderDirectory } from '../provider/directory';

/** What activities may touch. The worker composes the real ones; SDK clients are built there, never in an activity. */
export interface ActivityDeps {
  config: Config;
  log: Logger;
  providers: ProviderDirectory;
  mailer: Mailer;
}
