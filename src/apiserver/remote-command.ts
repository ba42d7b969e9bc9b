// `exec` and `attach` over WebSocket: Kubernetes' channel protocols, as kubectl 1.30+ (v5) and
// older and Python clients (v4) speak them. Each binary message starts with its channel: 0 stdin
// (client to server), 1 stdout, 2 stderr, 3 error (a JSON Status, once, at the end), 4 resize;
// v5 adds 255, "close": [255, 0] ends stdin. v4 clients may send text messages (the Python
// client does): their first character is the channel. The server ends with a close frame (1000).
//
// What runs is not decided here: the daemon passes a runner (the kubelet's exec, which follows the
// operator's runtime config). The apiserver only checks the request and carries the bytes.
import type { WebSocket } from 'ws';
import type { Container, Pod, Status } from '../api/types.js';

/** The channel protocols served, best first. */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/** What a client asked to run (PodExecOptions), checked. */
export interface RemoteCommand {
  pod: Pod;
  container: string;
  /** The container's spec. */
  spec: Container;
  /** exec: the command; attach: empty (the container's own process). */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** How the command ends: its exit code, or why it could not run. */
export type CommandResult = { exitCode: number } | { error: string };

/** A running command, as the protocol drives it. */
export interface CommandSession {
  stdin(data: Buffer): void;
  endStdin(): void;
  /** The client went away: stop the command. */
  kill(): void;
}

/** Runs a command for a stream: output goes to `out`, the end to `done` (called once). */
export type CommandRunner = (cmd: RemoteCommand, out: { stdout(data: Buffer): void; stderr(data: Buffer): void }, done: (result: CommandResult) => void) => CommandSession;

/** The error channel's Status for a result (kubelet's shapes: kubectl prints "command terminated with exit code N"). */
export function resultStatus(result: CommandResult): Status {
  if ('error' in result) return { metadata: {}, status: 'Failure', message: result.error, reason: 'InternalError', code: 500 } as Status;
  if (result.exitCode === 0) return { metadata: {}, status: 'Success' } as Status;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  } as Status;
}

/** What a WebSocket message arrives as. */
export type WebSocketData = Buffer | ArrayBuffer | Buffer[];

/**
 * A message's bytes. A text message (v4 clients, the Python client) arrives as its UTF-8 bytes,
 * so its first character, the channel, is its first byte as in a binary one.
 */
export function messageBytes(raw: WebSocketData): Buffer {
  return Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
}

/** Serves one command over an open WebSocket until it ends or the client leaves. */
export function serveRemoteCommand(ws: WebSocket, protocol: ChannelProtocol, cmd: RemoteCommand, run: CommandRunner): void {
  let finished = false;
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  // As the apiserver does: an empty message on the first channel the server writes, to say it is ready.
  send(cmd.stdout ? STDOUT : cmd.stderr ? STDERR : ERROR, Buffer.alloc(0));
  const session = run(
    cmd,
    { stdout: (d) => cmd.stdout && send(STDOUT, d), stderr: (d) => cmd.stderr && send(STDERR, d) },
    (result) => {
      if (finished) return;
      finished = true;
      send(ERROR, Buffer.from(JSON.stringify(resultStatus(result))));
      ws.close(1000);
    },
  );
  ws.on('message', (raw: WebSocketData) => {
    const msg = messageBytes(raw);
    if (msg.length === 0) return;
    const channel = msg[0];
    if (channel === STDIN && cmd.stdin) session.stdin(msg.subarray(1));
    else if (channel === CLOSE && protocol === 'v5.channel.k8s.io' && msg[1] === STDIN) session.endStdin();
    // Channel 4, resize (and anything else): no terminal is emulated; sizes are accepted and ignored.
  });
  ws.on('close', () => {
    if (!finished) {
      finished = true;
      session.kill();
    }
  });
  ws.on('error', () => ws.terminate());
}
