/**
 * How many requests each upstream function received, faulted and refused ones included, so a test can
 * count the orders a client SENT rather than the licences that came of them.
 */
export function createRequestCounter() {
  const counts = new Map<string, number>();
  return {
    count(func: string) {
      counts.set(func, (counts.get(func) ?? 0) + 1);
    },
    list: () => [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([func, count]) => ({ func, count })),
    reset() {
      counts.clear();
    },
  };
}

export type RequestCounter = ReturnType<typeof createRequestCounter>;
