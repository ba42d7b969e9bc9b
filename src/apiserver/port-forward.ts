// `port-forward` as clients speak it. kubectl 1.31+ tunnels SPDY/3.1 through a WebSocket
// (subprotocol `SPDY/3.1+portforward.k8s.io`) and falls back to a plain SPDY upgrade: for each
// connection it opens two streams with the same `requestid`, `error` and `data`, for one `port`;
// the data stream carries the bytes both ways, the error stream a message if the port cannot be
// reached. The Python client (and other v4 clients) speak `v4.channel.k8s.io`: the ports are in
// the query, each has a data channel (2i) and an error channel (2i+1), and the server starts
// each channel with the port number (2 bytes, little-endian); the socket closes once every
// port's connection has ended.
//
// Where a port leads is not decided here: the daemon passes a dialer (the kubelet's, which
// follows the process runtime and the operator's runtime config).
import type net from 'node:net';
import type { WebSocket } from 'ws';
import type { Pod } from '../api/types.js';
import { type SpdyStream, SpdySession } from './spdy.js';
import { type WebSocketData, messageBytes } from './remote-command.js';

/** Opens a connection to a pod's port; rejects with the reason (sent to the client) when it cannot. */
export type PortDialer = (pod: Pod, port: number) => Promise<net.Socket>;

/** The WebSocket subprotocols port-forward serves, best first. */
export const PORT_FORWARD_PROTOCOLS = ['SPDY/3.1+portforward.k8s.io', 'v4.channel.k8s.io'] as const;
export type PortForwardProtocol = (typeof PORT_FORWARD_PROTOCOLS)[number];
/** The stream protocol of a plain SPDY upgrade (X-Stream-Protocol-Version). */
export const SPDY_PORT_FORWARD = 'portforward.k8s.io';

/** Copies between a connection and a stream until either ends. */
function join(socket: net.Socket, data: { write(b: Buffer): void; end(): void }, onDone: () => void): { fromClient(b: Buffer): void; clientEnded(): void; clientGone(): void } {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    onDone();
  };
  socket.on('data', (b: Buffer) => data.write(b));
  socket.on('end', () => {
    data.end();
    finish();
  });
  socket.on('close', () => {
    data.end();
    finish();
  });
  socket.on('error', () => socket.destroy());
  return {
    fromClient: (b) => socket.write(b),
    clientEnded: () => socket.end(),
    clientGone: () => socket.destroy(),
  };
}

/** Serves port-forward's SPDY streams of one session (the transport is the caller's). */
export function servePortForwardSpdy(transport: { write(b: Buffer): void; close(): void }, pod: Pod, dial: PortDialer): SpdySession {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  const session = new SpdySession(transport, (s) => {
    const id = s.headers.requestid ?? '';
    const type = s.headers.streamtype;
    const port = Number(s.headers.port);
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
      s.reset();
      return;
    }
    const pair = pairs.get(id) ?? {};
    pair[type] = s;
    pairs.set(id, pair);
    if (!pair.error || !pair.data) {
      // The data that arrives before the pair is complete (and the connection opens) waits.
      return;
    }
    pairs.delete(id);
    const { error, data } = pair as { error: SpdyStream; data: SpdyStream };
    const early: Buffer[] = [];
    let ended = false;
    let gone = false;
    data.onData = (b) => early.push(b);
    data.onEnd = () => (ended = true);
    data.onReset = error.onReset = () => (gone = true);
    dial(pod, port).then(
      (socket) => {
        // The client went away while the connection was being opened.
        if (gone) return socket.destroy();
        const link = join(socket, data, () => error.end());
        for (const b of early) link.fromClient(b);
        if (ended) link.clientEnded();
        data.onData = link.fromClient;
        data.onEnd = link.clientEnded;
        data.onReset = link.clientGone;
        error.onReset = link.clientGone;
      },
      (e: Error) => {
        error.write(Buffer.from(e.message));
        error.end();
        data.end();
      },
    );
  });
  return session;
}

/** Serves v4.channel.k8s.io port-forward over an open WebSocket for the `ports` asked in the query. */
export function servePortForwardChannels(ws: WebSocket, ports: number[], pod: Pod, dial: PortDialer): void {
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  const links: ({ fromClient(b: Buffer): void; clientGone(): void } | undefined)[] = [];
  const early: Buffer[][] = ports.map(() => []);
  let open = ports.length;
  let closed = false;
  const oneDone = () => {
    if (--open === 0) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const first = Buffer.alloc(2);
    first.writeUInt16LE(port);
    send(2 * i, first);
    send(2 * i + 1, first);
    dial(pod, port).then(
      (socket) => {
        if (closed) return socket.destroy();
        links[i] = join(socket, { write: (b) => send(2 * i, b), end: () => {} }, oneDone);
        for (const b of early[i]) links[i]!.fromClient(b);
        early[i] = [];
      },
      (e: Error) => {
        send(2 * i + 1, Buffer.from(e.message));
        oneDone();
      },
    );
  });
  ws.on('message', (raw: WebSocketData) => {
    const msg = messageBytes(raw);
    if (msg.length === 0 || msg[0] % 2 !== 0) return; // error channels carry nothing from the client
    const i = msg[0] / 2;
    if (i >= ports.length) return;
    const body = msg.subarray(1);
    if (links[i]) links[i]!.fromClient(body);
    else early[i]?.push(body);
  });
  ws.on('close', () => {
    closed = true;
    for (const l of links) l?.clientGone();
  });
  ws.on('error', () => ws.terminate());
}

/** Serves a SPDY session over an open WebSocket (each message carries session bytes). */
export function servePortForwardTunnel(ws: WebSocket, pod: Pod, dial: PortDialer): void {
  const session = servePortForwardSpdy(
    {
      write: (b) => {
        if (ws.readyState === ws.OPEN) ws.send(b);
      },
      close: () => ws.close(1000),
    },
    pod,
    dial,
  );
  ws.on('message', (raw: WebSocketData) => session.receive(messageBytes(raw)));
  ws.on('close', () => session.close());
  ws.on('error', () => ws.terminate());
}
