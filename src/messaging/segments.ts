import { SegmentedMessage } from 'sms-segments-calculator';

export type Encoding = 'GSM-7' | 'UCS-2';

/** Segments and encoding as the carrier counts them (it bills and paces by segment). */
export function measureBody(body: string): { segments: number; encoding: Encoding } {
  const m = new SegmentedMessage(body);
  return { segments: Math.max(1, m.segmentsCount), encoding: m.encodingName === 'UCS-2' ? 'UCS-2' : 'GSM-7' };
}
