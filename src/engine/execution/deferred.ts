/**
 * A read started now and awaited later, possibly not at all: its failure is handed to whoever awaits it instead
 * of surfacing as an unhandled rejection meanwhile. Lets a flow send a read together with others (one round trip)
 * and decide afterwards whether it needs the value.
 */
export function startRead<T>(read: Promise<T>): () => Promise<T> {
  const settled = read.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const result = await settled;
    if (result.ok) return result.value;
    throw result.error;
  };
}
