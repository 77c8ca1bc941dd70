// Polling that stops with the page: new inbound messages and status changes show up without a
// reload. One timer per page; a slow answer never overlaps the next tick.
export const POLL_MS = 1500;

export function poller(tick, intervalMs = POLL_MS) {
  let stopped = false;
  let timer;
  const loop = async () => {
    if (stopped) return;
    try {
      await tick();
    } catch {
      // a missed tick is retried at the next one; the page shows errors from user actions
    }
    if (!stopped) timer = setTimeout(loop, intervalMs);
  };
  timer = setTimeout(loop, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
