/**
 * Twilio's messaging keywords. A message counts only when its whole text, trimmed, is one of these
 * words in any case: "stop" is an opt-out, "stop please" is an ordinary message.
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export type Keyword = 'opt_out' | 'opt_in' | 'help';

export function keywordOf(body: string): Keyword | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'opt_out';
  if (OPT_IN.has(word)) return 'opt_in';
  if (HELP.has(word)) return 'help';
  return null;
}
