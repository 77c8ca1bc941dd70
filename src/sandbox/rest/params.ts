import { setTimeout as sleep } from 'node:timers/promises';

/** One string from a form or query value (first of a repeated key). */
export function str(v: unknown): string | undefined {
  if (Array.isArray(v)) return str(v[0]);
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a possibly repeated key. */
export function strs(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

export function pageSize(v: unknown, max = 1000): number {
  const n = Number.parseInt(str(v) ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : 50;
}

export async function delay(ms: number): Promise<void> {
  if (ms > 0) await sleep(ms);
}
