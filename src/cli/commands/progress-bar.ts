/**
 * A one-line progress bar on stderr, only when stderr is a terminal (logs and pipes get nothing), redrawn
 * at most ten times a second.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  let drawn = false;
  return {
    update(done: number, total: number): void {
      if (!stream.isTTY) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
      drawn = true;
    },
    end(): void {
      if (drawn) stream.write('\n');
    },
  };
}
