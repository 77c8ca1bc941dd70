import type { Managed } from './processes';

/** A running child with what stops it (a server may stop more than its one process, e.g. FerretDB's PostgreSQL). */
export interface Running {
  process: Managed;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** First pause before a restart; doubles with each quick failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before dying is restarted after the first pause again. */
  stableMs?: number;
  say(line: string): void;
  /** Called after every (re)start, e.g. to write the children's pids where other commands read them. */
  onChange?(): void;
}

interface Child {
  name: string;
  start: () => Promise<Running>;
  running?: Running;
  startedAt: number;
  failures: number;
  restarts: number;
}

/**
 * Keeps `npm start`'s children running: one that dies (API, worker, sandbox, Temporal, database)
 * is started again on its own port and data, after a pause that grows while it keeps dying
 * quickly; the others keep running meanwhile. Only `stopAll` (Ctrl-C) stops them, in reverse order.
 */
export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts a child (waiting until it is up) and watches it from then on. A first start that fails is thrown. */
  async add<T extends Running>(name: string, start: () => Promise<T>): Promise<T> {
    const child: Child = { name, start, startedAt: Date.now(), failures: 0, restarts: 0 };
    const first = await start();
    child.running = first;
    this.children.push(child);
    this.watch(child);
    this.options.onChange?.();
    return first;
  }

  /** The children's current process ids, by name. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.children.map((c) => [c.name, c.running?.process.child.pid]));
  }

  restartsOf(name: string): number {
    return this.children.find((c) => c.name === name)?.restarts ?? 0;
  }

  private watch(child: Child): void {
    const proc = child.running!.process.child;
    proc.once('exit', (code, signal) => {
      if (this.stopping) return;
      const ranMs = Date.now() - child.startedAt;
      child.failures = ranMs >= (this.options.stableMs ?? 60_000) ? 1 : child.failures + 1;
      const delay = Math.min((this.options.backoffMs ?? 1000) * 2 ** (child.failures - 1), this.options.maxBackoffMs ?? 30_000);
      this.options.say(`${child.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it in ${(delay / 1000).toFixed(1)} s`);
      this.later(delay, () => this.restart(child));
    });
  }

  private later(ms: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, ms);
    this.timers.add(timer);
  }

  private async restart(child: Child): Promise<void> {
    if (this.stopping) return;
    // Whatever the dead process left behind (e.g. FerretDB's PostgreSQL) is stopped before starting again.
    await child.running?.stop().catch(() => undefined);
    child.startedAt = Date.now();
    try {
      child.running = await child.start();
    } catch (err) {
      child.failures += 1;
      const delay = Math.min((this.options.backoffMs ?? 1000) * 2 ** (child.failures - 1), this.options.maxBackoffMs ?? 30_000);
      this.options.say(`${child.name} could not be restarted (${err instanceof Error ? err.message : String(err)}); trying again in ${(delay / 1000).toFixed(1)} s`);
      this.later(delay, () => this.restart(child));
      return;
    }
    if (this.stopping) {
      await child.running.stop();
      return;
    }
    child.restarts += 1;
    this.options.say(`${child.name} restarted (pid ${child.running.process.child.pid})`);
    this.watch(child);
    this.options.onChange?.();
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const child of [...this.children].reverse()) await child.running?.stop().catch(() => undefined);
  }
}
