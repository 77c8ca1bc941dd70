/**
 * Remembers what a loader found, per key, for a while in this process; nothing found is never
 * remembered (the next call asks again), nor what `keepIf` refuses. Calls for a key whose load is
 * under way share it (a burst after the entry expires makes one read, not one per request). For
 * lookups whose answer may be a few seconds old: the caller says why that is harmless.
 */
export function remembered<T>(
  loader: (key: string) => Promise<T | null | undefined>,
  options: { forMs: number; maxKeys?: number; keepIf?: (value: T) => boolean },
) {
  const entries = new Map<string, { value: T; until: number }>();
  const loading = new Map<string, { promise: Promise<T | undefined> }>();
  const maxKeys = options.maxKeys ?? 10_000;

  const keep = (key: string, value: T | undefined) => {
    if (value === undefined || (options.keepIf && !options.keepIf(value))) return void entries.delete(key);
    if (entries.size >= maxKeys) entries.clear();
    entries.set(key, { value, until: Date.now() + options.forMs });
  };

  const lookup = (key: string): Promise<T | undefined> => {
    const hit = entries.get(key);
    if (hit && hit.until > Date.now()) return Promise.resolve(hit.value);
    const shared = loading.get(key);
    if (shared) return shared.promise;
    const flight = {} as { promise: Promise<T | undefined> };
    flight.promise = Promise.resolve()
      .then(() => loader(key))
      .then((found) => {
        // Forgotten while loading: what was read may be from before the change.
        if (loading.get(key) === flight) keep(key, found ?? undefined);
        return found ?? undefined;
      })
      .finally(() => {
        if (loading.get(key) === flight) loading.delete(key);
      });
    loading.set(key, flight);
    return flight.promise;
  };

  /** For the writer of the data, in this process: its next lookup reads it again. */
  const forget = (key: string) => {
    entries.delete(key);
    loading.delete(key);
  };
  return Object.assign(lookup, { forget });
}
