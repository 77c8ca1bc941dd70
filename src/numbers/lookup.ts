import { remembered } from '../db/remembered';
import { findNumberByE164, type PhoneNumberDoc } from './store';

export type KnownNumber = Pick<PhoneNumberDoc, '_id' | 'kind' | 'accountSid' | 'ownerWorkspaceId'>;

/**
 * One of our numbers by its E.164, or undefined when we have no such number. Every webhook looks its
 * number up (to check the signature, then to route), and on FerretDB a find by `e164` is a scan of
 * all numbers; so this process remembers a number for 10 s. These fields change only when a number
 * is bought, linked or released, and an old answer then routes a message to the workspace that just
 * had the number, which its cool-down does anyway.
 */
export const numberByE164 = remembered<KnownNumber>(findNumberByE164, { forMs: 10_000 });
