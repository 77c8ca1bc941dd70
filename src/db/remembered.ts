/**
 * Remembers what a loader found, per key, for a while in this process; nothing found is never
 * remembered (the next call asks again). For lookups whose answer may be a few seconds old: the
 * caller says why that is harmless.
 */
export function remembered<T>(loader: (key: string) => Promise<T | null | undefined>, options: { forMs: number; maxKeys?: number }) {
  const entries = new Map<string, { value: T; until: number }>();
  const maxKeys = options.maxKeys ?? 10_000;
  return async (key: string): Promise<T | undefined> => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await loader(key);
    if (value === null || value === undefined) {
      entries.delete(key);
      return undefined;
    }
    if (entries.size >= maxKeys) entries.clear();
    entries.set(key, { value, until: now + options.forMs });
    return value;
  };
}
