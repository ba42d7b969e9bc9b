// SPDY/3.1, the server side, as much as Kubernetes' port-forward speaks it (client-go's
// spdystream): streams the client opens (SYN_STREAM, answered with SYN_REPLY), DATA with FIN,
// RST_STREAM, PING (echoed), GOAWAY; SETTINGS and WINDOW_UPDATE are read and ignored (spdystream
// does no flow control). Header blocks are zlib streams over the whole session, primed with
// SPDY/3's dictionary; the blocks we send are stored (uncompressed) deflate blocks, which any zlib
// reader takes. The bytes come from and go to a transport: a raw socket after an HTTP upgrade, or
// the messages of a WebSocket (kubectl 1.31+ tunnels SPDY through one).
import zlib from 'node:zlib';

const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;
/** RST_STREAM status codes. */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;
const MAX_DATA = 32 * 1024;
const MAX_FRAME = 16 * 1024 * 1024;

/** The header names SPDY/3 primes its header compression with, each as a length-prefixed string, and then a run of common values (the SPDY/3 draft, 2.6.10.1). */
const DICTIONARY_WORDS =
  'options|head|post|put|delete|trace|accept|accept-charset|accept-encoding|accept-language|accept-ranges|age|allow|authorization|cache-control|connection|content-base|content-encoding|content-language|content-length|content-location|content-md5|content-range|content-type|date|etag|expect|expires|from|host|if-match|if-modified-since|if-none-match|if-range|if-unmodified-since|last-modified|location|max-forwards|pragma|proxy-authenticate|proxy-authorization|range|referer|retry-after|server|te|trailer|transfer-encoding|upgrade|user-agent|vary|via|warning|www-authenticate|method|get|status|200 OK|version|HTTP/1.1|url|public|set-cookie|keep-alive|origin'.split('|');
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** SPDY/3's header compression dictionary (1,423 bytes). */
export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_WORDS.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

/** A name/value header block, uncompressed (names lower case; several values joined by NUL). */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase());
    const value = Buffer.from(v);
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

/** Reads an uncompressed header block. */
export function decodeHeaderBlock(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  const u32 = () => {
    if (at + 4 > b.length) throw new Error('truncated header block');
    const n = b.readUInt32BE(at);
    at += 4;
    return n;
  };
  const str = () => {
    const n = u32();
    if (at + n > b.length) throw new Error('truncated header block');
    const s = b.subarray(at, at + n).toString('utf8');
    at += n;
    return s;
  };
  const count = u32();
  for (let i = 0; i < count; i++) {
    const name = str();
    out[name.toLowerCase()] = str();
  }
  return out;
}

/** A stream the client opened. */
export class SpdyStream {
  onData: (data: Buffer) => void = () => {};
  /** The client finished sending (FIN). */
  onEnd: () => void = () => {};
  /** The stream was reset (by the client, or the session ended). */
  onReset: () => void = () => {};
  private sentFin = false;
  receivedFin = false;

  constructor(
    readonly id: number,
    readonly headers: Record<string, string>,
    private session: SpdySession,
  ) {}

  write(data: Buffer): void {
    if (this.sentFin) return;
    for (let i = 0; i < data.length; i += MAX_DATA) this.session.sendData(this.id, data.subarray(i, i + MAX_DATA), false);
  }

  /** Sends FIN: nothing more comes from this side. */
  end(): void {
    if (this.sentFin) return;
    this.sentFin = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
    this.session.maybeForget(this);
  }

  reset(status: number = RST.CANCEL): void {
    this.sentFin = true;
    this.session.sendRst(this.id, status);
    this.session.forget(this.id);
  }

  get finished(): boolean {
    return this.sentFin && this.receivedFin;
  }
}

/** A SPDY session served to one client over `transport`. */
export class SpdySession {
  private buffer: Buffer = Buffer.alloc(0);
  private streams = new Map<number, SpdyStream>();
  private inflater = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  /** Frames are handled in order; a SYN_STREAM's headers are inflated asynchronously. */
  private queue: Promise<void> = Promise.resolve();
  private sentHeaderBlock = false;
  private closed = false;

  constructor(
    private transport: { write(data: Buffer): void; close(): void },
    private onStream: (s: SpdyStream) => void,
  ) {
    this.inflater.on('error', () => this.close());
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (length > MAX_FRAME) return this.close();
      if (this.buffer.length < 8 + length) break;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      this.queue = this.queue.then(() => this.handle(frame)).catch(() => this.close());
    }
  }

  private async handle(f: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = f[4];
    if ((f[0] & 0x80) === 0) {
      // DATA
      const id = f.readUInt32BE(0) & 0x7fffffff;
      const s = this.streams.get(id);
      if (!s) return;
      const data = f.subarray(8);
      if (data.length) s.onData(data);
      if (flags & FLAG_FIN) {
        s.receivedFin = true;
        s.onEnd();
        this.maybeForget(s);
      }
      return;
    }
    const version = f.readUInt16BE(0) & 0x7fff;
    const type = f.readUInt16BE(2);
    if (version !== VERSION) return this.close();
    if (type === SYN_STREAM) {
      const id = f.readUInt32BE(8) & 0x7fffffff;
      const headers = decodeHeaderBlock(await this.inflate(f.subarray(18)));
      const s = new SpdyStream(id, headers, this);
      this.streams.set(id, s);
      this.sendFrame(this.control(SYN_REPLY, 0, Buffer.concat([u32(id), this.headerBlock({})])));
      if (flags & FLAG_FIN) s.receivedFin = true;
      this.onStream(s);
      if (flags & FLAG_FIN) s.onEnd();
    } else if (type === RST_STREAM) {
      const id = f.readUInt32BE(8) & 0x7fffffff;
      const s = this.streams.get(id);
      if (s) {
        this.streams.delete(id);
        s.onReset();
      }
    } else if (type === PING) {
      // The client's pings (odd ids) come back as they are.
      this.sendFrame(Buffer.from(f));
    } else if (type === GOAWAY) {
      this.close();
    }
    // SETTINGS, HEADERS, WINDOW_UPDATE, NOOP: nothing to do.
  }

  /** Inflates one header block: the session's zlib stream, flushed. */
  private inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const onData = (d: Buffer) => out.push(d);
      this.inflater.on('data', onData);
      this.inflater.write(block);
      this.inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.inflater.off('data', onData);
        if (this.closed) reject(new Error('closed'));
        else resolve(Buffer.concat(out));
      });
    });
  }

  /** A header block as the client's zlib reader takes it: a zlib header first, then stored (uncompressed) deflate blocks. */
  private headerBlock(headers: Record<string, string>): Buffer {
    const raw = encodeHeaderBlock(headers);
    const stored = Buffer.alloc(5);
    stored[0] = 0; // BFINAL 0, BTYPE 00 (stored), byte-aligned
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const first = this.sentHeaderBlock ? [] : [Buffer.from([0x78, 0x01])];
    this.sentHeaderBlock = true;
    // An empty stored block ends it, as a zlib sync flush does: a reader returns the block's bytes
    // without reading on into the next frame.
    return Buffer.concat([...first, stored, raw, Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff])]);
  }

  private control(type: number, flags: number, body: Buffer): Buffer {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | VERSION, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(((flags & 0xff) << 24) | body.length, 4);
    return Buffer.concat([h, body]);
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(id & 0x7fffffff, 0);
    h.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    this.sendFrame(Buffer.concat([h, data]));
  }

  sendRst(id: number, status: number): void {
    this.sendFrame(this.control(RST_STREAM, 0, Buffer.concat([u32(id), u32(status)])));
  }

  private sendFrame(frame: Buffer): void {
    if (!this.closed) this.transport.write(frame);
  }

  /** A stream both sides have finished is forgotten. */
  maybeForget(s: SpdyStream): void {
    if (s.finished) this.streams.delete(s.id);
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  /** Ends the session: every open stream is reset. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const open = [...this.streams.values()];
    this.streams.clear();
    for (const s of open) s.onReset();
    this.inflater.destroy();
    this.transport.close();
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
