import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually';

export interface CapturingSmtp {
  url: string;
  mails: ParsedMail[];
  /** Resolves when `count` mails have arrived in all (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Makes the next `n` deliveries fail with a 451 (a mail server in trouble). */
  failNext(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server in process that keeps what nodemailer sent. */
export async function startCapturingSmtp(): Promise<CapturingSmtp> {
  const mails: ParsedMail[] = [];
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (failures > 0) {
        failures--;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Temporary failure, try again'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext(n) {
      failures = n;
    },
    waitFor: (count, timeoutMs = 20_000) => eventually(() => `${count} mails, got ${mails.length}`, () => mails.length >= count && mails, timeoutMs, 50),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
