// The streams a command may use. Commands never touch process.* directly, so the whole CLI runs
// in-process in tests: run(argv, io).

/** Where a command reads and writes. */
export interface IO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  /** Reads all of standard input (for `-f -`). */
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
}

/** The real process streams. */
export function processIO(): IO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStdin: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
  };
}
