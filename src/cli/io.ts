// The streams a command may use. Commands never touch process.* directly, so the whole CLI runs
// in-process in tests: run(argv, io).

/** Where a command reads and writes. */
export interface IO {
  /** Text; `exec` also writes the command's bytes as they come. */
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  /** Reads all of standard input (for `-f -`). */
  readStdin(): Promise<string>;
  /** Standard input as it comes (`exec -i`); without it, readStdin's whole text is sent. */
  stdin?: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** The real process streams. */
export function processIO(): IO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdin: process.stdin,
    readStdin: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
  };
}
