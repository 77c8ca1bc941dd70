// Live character, segment and encoding count for the composer, counted as the carrier counts
// (the same rules as src/sandbox/segments.ts; test/console.test.ts checks the page against the
// API's own count). GSM-7: 160 septets, 153 per part once split, extension characters take two
// and stay whole. Anything else makes the whole message UCS-2: 70 UTF-16 units, 67 per part.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

const septets = new Map();
for (const ch of GSM_BASIC) septets.set(ch, 1);
for (const ch of GSM_EXTENSION) septets.set(ch, 2);

const LIMITS = { 'GSM-7': { single: 160, multi: 153 }, 'UCS-2': { single: 70, multi: 67 } };

/** { characters, segments, encoding } for a message body; an empty body is 0 segments. */
export function countSegments(body) {
  const chars = Array.from(body);
  const gsm = chars.every((ch) => septets.has(ch));
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  const units = chars.map((ch) => (gsm ? septets.get(ch) : ch.length));
  const total = units.reduce((a, b) => a + b, 0);
  const { single, multi } = LIMITS[encoding];
  let segments = total === 0 ? 0 : 1;
  if (total > single) {
    let used = 0;
    for (const u of units) {
      if (used + u > multi) {
        segments += 1;
        used = 0;
      }
      used += u;
    }
  }
  return { characters: chars.length, segments, encoding };
}
