// A counting semaphore: at most `limit` API calls in flight per cluster, the rest wait in order.

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in
  // between and push the count over the limit.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  const acquire = async () => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const limiter = createLimiter(limit);
  return Promise.all(items.map((item) => limiter.run(() => fn(item))));
}
