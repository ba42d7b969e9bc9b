// A process container's log: each run's stdout and stderr in a file of its own, one line per
// record in the CRI format the kubelet reads (`<RFC 3339 nanosecond time> <stream> F <text>`),
// and the lines as they are written for readers that follow.
import fs from 'node:fs';
import path from 'node:path';

/** One line of a log file: when, which stream, what. */
export interface LogRecord {
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Nanosecond RFC 3339 time of a millisecond clock reading. */
export const nanoTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

/** Parses a log file's text. */
export function parseLog(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (stdout|stderr) [FP] (.*)$/.exec(line);
    if (m) out.push({ time: m[1], stream: m[2] as LogRecord['stream'], text: m[3] });
  }
  return out;
}

/** Writes one run's log: output split into lines (a last line without newline is written when the run ends). */
export class LogWriter {
  private partial = { stdout: '', stderr: '' };
  private listeners = new Set<(r: LogRecord) => void>();
  /** Open while the run runs (one open file, not one open per line). */
  private fd: number | undefined;
  /** The last lines written (for FallbackToLogsOnError). */
  private recent: string[] = [];

  constructor(
    readonly file: string,
    private now: () => number = Date.now,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = fs.openSync(file, 'w', 0o600);
  }

  /** The end of what the run wrote, as the kubelet takes it for a termination message: at most `lines` lines and `bytes` bytes. */
  tail(lines = 80, bytes = 2048): string {
    const text = this.recent.slice(-lines).join('\n');
    return Buffer.byteLength(text) <= bytes ? text : Buffer.from(text).subarray(-bytes).toString('utf8');
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = this.partial[stream] + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial[stream] = lines.pop()!;
    for (const l of lines) this.record(stream, l);
  }

  /** The run ended: what is left of a line is written. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) if (this.partial[stream]) this.record(stream, this.partial[stream]);
    this.partial = { stdout: '', stderr: '' };
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Every line written from now on. */
  subscribe(fn: (r: LogRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private record(stream: 'stdout' | 'stderr', text: string): void {
    const r: LogRecord = { time: nanoTime(this.now()), stream, text: text.replace(/\r$/, '') };
    if (this.fd !== undefined) fs.writeSync(this.fd, `${r.time} ${r.stream} F ${r.text}\n`);
    this.recent.push(r.text);
    if (this.recent.length > 160) this.recent.splice(0, 80);
    for (const fn of this.listeners) fn(r);
  }
}
