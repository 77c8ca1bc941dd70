import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

interface StoredMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The local mail outbox of `npm start`: a real SMTP server that keeps every mail in the data folder,
 * and a page listing them (in production, SMTP_URL points at a real mail service instead).
 */
export async function startMailOutbox(options: { dir: string; smtpPort: number; httpPort: number; host?: string }) {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dir, { recursive: true });
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const receivedAt = new Date().toISOString();
          const stored: StoredMail = {
            id: `${receivedAt.replace(/[:.]/g, '-')}-${Math.floor(performance.now())}`,
            receivedAt,
            from: mail.from?.text ?? '',
            to: [mail.to ?? []].flat().map((a) => a.text).join(', '),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          };
          writeFileSync(path.join(options.dir, `${stored.id}.json`), JSON.stringify(stored, null, 2));
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(options.smtpPort, host, () => resolve()));

  const list = (): StoredMail[] =>
    readdirSync(options.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .reverse()
      .map((f) => JSON.parse(readFileSync(path.join(options.dir, f), 'utf8')) as StoredMail);
  const web = http.createServer((req, res) => {
    const mails = list();
    if (req.url?.startsWith('/api/mails')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mails));
      return;
    }
    const rows = mails
      .map((m) => `<article><h2>${escape(m.subject)}</h2><p><b>To</b> ${escape(m.to)} · <b>From</b> ${escape(m.from)} · ${m.receivedAt}</p><pre>${escape(m.text)}</pre></article>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Mail outbox</title>
<style>body{font:15px system-ui;margin:2rem auto;max-width:50rem;padding:0 1rem}article{border-bottom:1px solid #ddd}pre{white-space:pre-wrap}</style></head>
<body><h1>Mail outbox</h1><p>${mails.length} mail(s) sent by the platform. Reload to refresh.</p>${rows || '<p>No mail yet.</p>'}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => web.listen(options.httpPort, host, () => resolve()));
  return {
    smtpUrl: `smtp://${host}:${(smtp.server.address() as AddressInfo).port}`,
    webUrl: `http://${host}:${(web.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}
