import { newSid } from './ids';
import { countSegments } from './segments';
import type { Direction, Media, MessageStatus, SandboxMessage } from './types';

/** Twilio's default and maximum ValidityPeriod, in seconds. */
export const MAX_VALIDITY_SECONDS = 36000;

export function buildMessage(m: {
  accountSid: string;
  direction: Direction;
  from: string;
  to: string;
  body: string;
  media?: Media[];
  status: MessageStatus;
  statusCallback?: string | null;
  validitySeconds?: number;
}): SandboxMessage {
  const now = Date.now();
  const { encoding, segments } = countSegments(m.body);
  return {
    sid: newSid('SM'),
    accountSid: m.accountSid,
    direction: m.direction,
    from: m.from,
    to: m.to,
    body: m.body,
    media: m.media ?? [],
    segments,
    encoding,
    status: m.status,
    errorCode: null,
    statusCallback: m.statusCallback ?? null,
    validityMs: (m.validitySeconds ?? MAX_VALIDITY_SECONDS) * 1000,
    dateCreated: now,
    dateUpdated: now,
    dateSent: m.direction === 'inbound' ? now : null,
    accountIndex: -1,
  };
}
