/**
 * How fast the sandbox carrier accepts Messages creates (faults off), on loopback:
 *   npx tsx scripts/bench-sandbox.ts [--seconds 10] [--connections 32]
 * The carrier runs in a child process so the load generator does not share its CPU.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { DEFAULT_ACCOUNT, startSandbox } from '../src/sandbox';

const SENDER = '12345';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function serve(): Promise<void> {
  const sandbox = await startSandbox({ numbers: [{ phoneNumber: SENDER, type: 'short_code' }] });
  process.send!({ url: sandbox.url });
  // The carrier's own CPU time over the run: the figure that does not depend on the load generator.
  let cpuAtStart = process.cpuUsage();
  process.on('message', (m: string) => {
    if (m === 'start') cpuAtStart = process.cpuUsage();
    if (m === 'stop') {
      const used = process.cpuUsage(cpuAtStart);
      process.send!({ cpuMs: (used.user + used.system) / 1000 });
    }
  });
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
}

async function load(): Promise<void> {
  const seconds = arg('seconds', 10);
  const connections = arg('connections', 32);
  const child = fork(__filename, ['--serve']);
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  child.send('start');
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const auth = 'Basic ' + Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString('base64');
  const path = `/2010-04-01/Accounts/${DEFAULT_ACCOUNT.accountSid}/Messages.json`;

  const create = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams({ To: `+1415555${String(i % 10000).padStart(4, '0')}`, From: SENDER, Body: `Benchmark message ${i}` }).toString();
      const req = http.request(
        { hostname, port, path, method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const latencies: number[] = [];
  let accepted = 0;
  let rejected = 0;
  let n = 0;
  const end = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const status = await create(n++);
        latencies.push(performance.now() - t0);
        if (status === 201) accepted++;
        else rejected++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  child.send('stop');
  const { cpuMs } = await new Promise<{ cpuMs: number }>((resolve) => child.once('message', resolve));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  console.log(
    JSON.stringify({
      seconds: Number(elapsed.toFixed(2)),
      connections,
      accepted,
      rejected,
      createsPerSecond: Math.round(accepted / elapsed),
      latencyMs: { p50: Number(pct(50)), p99: Number(pct(99)) },
      carrierCpuMsPerCreate: Number((cpuMs / (accepted + rejected)).toFixed(3)),
      // What one core would sustain were the carrier not sharing the machine with the load generator.
      carrierCapacityPerCore: Math.round((1000 * (accepted + rejected)) / cpuMs),
    }),
  );
  agent.destroy();
  child.disconnect();
}

(process.argv.includes('--serve') ? serve() : load()).catch((err) => {
  console.error(err);
  process.exit(1);
});
