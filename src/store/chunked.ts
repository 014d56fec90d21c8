/** Bound-variable limits (SQLite caps them per statement): set reads go in chunks of this size. */
export const ID_CHUNK = 1000;

export function* chunked<T>(values: readonly T[], size = ID_CHUNK): Generator<T[]> {
  for (let start = 0; start < values.length; start += size) yield values.slice(start, start + size);
}
