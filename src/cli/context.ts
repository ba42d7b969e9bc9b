// What every command gets: the IO streams, the state dir, the namespace, colour, and the API
// client (connected on first use, starting the daemon if needed).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Client } from '../client/client.js';
import { connect } from '../client/connect.js';
import { stateHome } from '../daemon/state.js';
import type { IO } from './io.js';

/** The context of one CLI invocation. */
export class Context {
  private clientPromise?: Promise<Client>;
  /** Colours for stderr notes and errors: real only on a TTY without NO_COLOR / --no-color. */
  readonly color: ChalkInstance;

  constructor(
    readonly io: IO,
    readonly home: string = stateHome(io.env),
    noColor = false,
  ) {
    const enabled = !noColor && !io.env.NO_COLOR && !!io.stderr.isTTY;
    this.color = new Chalk({ level: enabled ? 1 : 0 });
  }

  /** The API client; the daemon is started (and that noted on stderr) if it is not running. */
  client(): Promise<Client> {
    this.clientPromise ??= connect(this.home, this.io.env, (line) => this.io.stderr.write(line + '\n'));
    return this.clientPromise;
  }

  /** Writes to stdout. */
  out(s: string): void {
    this.io.stdout.write(s);
  }

  /** Writes a line to stderr. */
  err(line: string): void {
    this.io.stderr.write(line + '\n');
  }

  /** A kubectl-style warning on stderr. */
  warn(msg: string): void {
    this.err(`${this.color.yellow('Warning:')} ${msg}`);
  }

  /** Releases the client's connections. */
  async close(): Promise<void> {
    if (this.clientPromise) (await this.clientPromise.catch(() => undefined))?.close();
  }
}
