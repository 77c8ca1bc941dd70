import type mongoose from 'mongoose';

/**
 * For benchmarks: with DB_PROFILE set, every database command's time is summed per command and
 * collection and the table is printed to stderr when the process exits. Off otherwise.
 */
export function profileCommands(connection: typeof mongoose): void {
  const started = new Map<number, { key: string; at: number }>();
  const totals = new Map<string, { count: number; ms: number; max: number }>();
  const client = connection.connection.getClient();
  client.on('commandStarted', (e) => {
    const collection = (e.command as Record<string, unknown>)[e.commandName];
    started.set(e.requestId, { key: `${e.commandName} ${typeof collection === 'string' ? collection : ''}`, at: performance.now() });
  });
  const finish = (e: { requestId: number }) => {
    const s = started.get(e.requestId);
    if (!s) return;
    started.delete(e.requestId);
    const ms = performance.now() - s.at;
    const t = totals.get(s.key) ?? { count: 0, ms: 0, max: 0 };
    t.count++;
    t.ms += ms;
    t.max = Math.max(t.max, ms);
    totals.set(s.key, t);
  };
  client.on('commandSucceeded', finish);
  client.on('commandFailed', finish);
  process.once('exit', () => {
    const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
    for (const [key, t] of rows) process.stderr.write(`db ${key.padEnd(40)} n=${t.count} total=${t.ms.toFixed(0)}ms mean=${(t.ms / t.count).toFixed(1)}ms max=${t.max.toFixed(0)}ms\n`);
  });
}
