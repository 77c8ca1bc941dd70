/**
 * Runs the writes to one document one after another within this process.
 *
 * Why: FerretDB 1.x applies an update as a read followed by a replace, outside any transaction, so
 * two concurrent updates of one document (`$inc` included) can lose one of them. MongoDB applies
 * each update atomically and needs none of this. Across processes on FerretDB the race remains;
 * the embedded stack runs one API process, which makes every conversation write.
 */
const tails = new Map<string, Promise<unknown>>();

export function serialWrite<T>(documentKey: string, write: () => Promise<T>): Promise<T> {
  const previous = tails.get(documentKey) ?? Promise.resolve();
  const run = previous.then(write);
  const tail = run.catch(() => undefined);
  tails.set(documentKey, tail);
  void tail.then(() => {
    if (tails.get(documentKey) === tail) tails.delete(documentKey);
  });
  return run;
}
