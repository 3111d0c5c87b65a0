/**
 * One source read by several consumers at once (the blob store and the virus scanner), each chunk
 * handed to every consumer before the next is read: memory stays at one chunk however far apart
 * the consumers are, and the faster one waits. A consumer that stops early (a scanner that has its
 * verdict) is detached and no longer waited for; an error of the source reaches every consumer.
 */
export function lockstep<T>(source: AsyncIterable<T>, consumers: number): AsyncIterable<T>[] {
  const iterator = source[Symbol.asyncIterator]();
  const active = new Set<number>(Array.from({ length: consumers }, (_, i) => i));
  // The round each consumer has taken, and the chunk of the current round.
  const taken = new Array<number>(consumers).fill(0);
  let round = 0;
  let current: Promise<IteratorResult<T>> | undefined;
  let waiting: (() => void)[] = [];

  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const resume of woken) resume();
  };
  /** Every active consumer has taken the current round: the next may be read. */
  const roundDone = () => [...active].every((i) => taken[i] === round);

  async function next(i: number): Promise<IteratorResult<T>> {
    // Wait until the others have taken this consumer's last chunk too.
    while (taken[i] === round && !roundDone()) await new Promise<void>((resume) => waiting.push(resume));
    if (taken[i] === round) {
      round++;
      current = iterator.next();
    }
    taken[i] = round;
    const result = await (current as Promise<IteratorResult<T>>);
    wake();
    return result;
  }

  const detach = async (i: number) => {
    active.delete(i);
    if (active.size === 0) await iterator.return?.();
    wake();
  };

  return Array.from({ length: consumers }, (_, i) => ({
    [Symbol.asyncIterator]: (): AsyncIterator<T> => ({
      next: async () => {
        try {
          const result = await next(i);
          if (result.done) active.delete(i);
          return result;
        } catch (error) {
          active.delete(i);
          wake();
          throw error;
        }
      },
      return: async () => {
        await detach(i);
        return { done: true, value: undefined };
      },
    }),
  }));
}
