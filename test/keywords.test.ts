import assert from 'node:assert/strict';
import { keywordOf } from '../src/inbox/keywords';

/* Pure: no servers. Twilio's messaging keywords as we read an inbound text (src/inbox/keywords.ts). */
describe('Inbound keywords', () => {
  it('when the whole text is an opt-out word, in any case and with spaces around, then it is an opt-out', () => {
    for (const body of ['STOP', 'stop', ' Stop \n', 'STOPALL', 'unsubscribe', 'CANCEL', 'end', 'Quit', 'REVOKE', 'optout']) assert.equal(keywordOf(body), 'opt_out', JSON.stringify(body));
  });

  it('when the whole text is START, YES or UNSTOP, then it opts back in; HELP or INFO asks for help', () => {
    for (const body of ['START', 'yes', ' Unstop ']) assert.equal(keywordOf(body), 'opt_in', body);
    for (const body of ['HELP', 'info', '\tHelp']) assert.equal(keywordOf(body), 'help', body);
  });

  it('when a keyword is part of a longer text, or is another word, then the text is an ordinary message', () => {
    for (const body of ['stop please', 'STOP!', 'please stop', 'S T O P', 'STOPP', 'yes please', 'help me', 'OPT OUT', '', '   ']) assert.equal(keywordOf(body), null, JSON.stringify(body));
  });
});
