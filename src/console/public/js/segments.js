// The composer's live count, by the library the API itself counts with (src/messaging/segments.ts),
// served as an ES module by src/console/vendor.ts: the page's count is the API's by construction.
import { SegmentedMessage } from '../vendor/sms-segments-calculator.js';

/** { characters, segments, encoding } for a message body; an empty body is 0 segments. */
export function countSegments(body) {
  if (body === '') return { characters: 0, segments: 0, encoding: 'GSM-7' };
  const message = new SegmentedMessage(body);
  return { characters: message.numberOfUnicodeScalars, segments: message.segmentsCount, encoding: message.encodingName === 'UCS-2' ? 'UCS-2' : 'GSM-7' };
}
