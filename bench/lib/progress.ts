/** Progress on stderr, so stdout keeps only the table. */
const startedAt = performance.now();

function elapsed(): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)} s`;
}

export function progress(message: string): void {
  process.stderr.write(`[bench ${elapsed()}] ${message}\n`);
}

/** Reports `label i/n` at most every `everyMs` of wall time. */
export function counter(label: string, total: number, everyMs = 5_000): (done: number) => void {
  let last = 0;
  return (done) => {
    const now = performance.now();
    if (done === total || now - last >= everyMs) {
      last = now;
      progress(`${label} ${done}/${total}`);
    }
  };
}
