// SPDY/3.1 framing for port-forward: the header dictionary, header blocks, and a session driven
// the way client-go's spdystream drives it (compressed SYN_STREAM headers, DATA with FIN, PING).
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY_DICTIONARY, SpdySession, type SpdyStream, decodeHeaderBlock, encodeHeaderBlock } from '../../src/apiserver/spdy.js';

/** A client's frames: control frames with a deflate stream primed with the dictionary, as Go's framer writes them. */
function clientFramer() {
  const deflate = zlib.createDeflate({ dictionary: SPDY_DICTIONARY });
  const compress = (b: Buffer) =>
    new Promise<Buffer>((resolve) => {
      const out: Buffer[] = [];
      const onData = (d: Buffer) => out.push(d);
      deflate.on('data', onData);
      deflate.write(b);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        deflate.off('data', onData);
        resolve(Buffer.concat(out));
      });
    });
  const control = (type: number, flags: number, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8003, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE((flags << 24) | body.length, 4);
    return Buffer.concat([h, body]);
  };
  return {
    async synStream(id: number, headers: Record<string, string>) {
      const ids = Buffer.alloc(10);
      ids.writeUInt32BE(id, 0);
      return control(1, 0, Buffer.concat([ids, await compress(encodeHeaderBlock(headers))]));
    },
    data(id: number, data: Buffer, fin = false) {
      const h = Buffer.alloc(8);
      h.writeUInt32BE(id, 0);
      h.writeUInt32BE(((fin ? 1 : 0) << 24) | data.length, 4);
      return Buffer.concat([h, data]);
    },
    ping(id: number) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(id);
      return control(6, 0, b);
    },
  };
}

/** Splits what the server wrote into frames. */
function frames(buf: Buffer): { control: boolean; type?: number; id: number; flags: number; body: Buffer }[] {
  const out = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const len = buf.readUInt32BE(at + 4) & 0xffffff;
    const control = (buf[at] & 0x80) !== 0;
    const body = buf.subarray(at + 8, at + 8 + len);
    out.push({ control, type: control ? buf.readUInt16BE(at + 2) : undefined, id: control ? (len >= 4 ? body.readUInt32BE(0) & 0x7fffffff : 0) : buf.readUInt32BE(at) & 0x7fffffff, flags: buf[at + 4], body });
    at += 8 + len;
  }
  return out;
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('SPDY/3.1', () => {
  it('has the 1,423-byte header dictionary of the SPDY/3 draft', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(SPDY_DICTIONARY.subarray(0, 11).toString('latin1')).toBe('\0\0\0\x07options');
    expect(SPDY_DICTIONARY.subarray(-6).toString('latin1')).toBe('enq=0.');
  });

  it('round-trips header blocks (names lower case)', () => {
    expect(decodeHeaderBlock(encodeHeaderBlock({ StreamType: 'data', port: '8080', requestID: '0' }))).toEqual({ streamtype: 'data', port: '8080', requestid: '0' });
  });

  it('serves streams: replies to each, carries DATA both ways, ends with FIN, echoes PING', async () => {
    const written: Buffer[] = [];
    const opened: SpdyStream[] = [];
    const got: string[] = [];
    const session = new SpdySession({ write: (b) => written.push(b), close: () => {} }, (s) => {
      opened.push(s);
      s.onData = (d) => got.push(`${s.id}:${d}`);
      s.onEnd = () => got.push(`${s.id}:FIN`);
    });
    const c = clientFramer();
    // As client-go sends them: the frames of two streams in one read, then data.
    session.receive(Buffer.concat([await c.synStream(1, { streamtype: 'error', port: '80', requestid: '0' }), c.data(1, Buffer.alloc(0), true), await c.synStream(3, { streamtype: 'data', port: '80', requestid: '0' })]));
    session.receive(c.data(3, Buffer.from('GET /')));
    session.receive(c.ping(1));
    await settle();
    expect(opened.map((s) => [s.id, s.headers])).toEqual([
      [1, { streamtype: 'error', port: '80', requestid: '0' }],
      [3, { streamtype: 'data', port: '80', requestid: '0' }],
    ]);
    expect(got).toEqual(['1:FIN', '3:GET /']);
    opened[1].write(Buffer.from('200 OK'));
    opened[1].end();
    const out = frames(Buffer.concat(written));
    expect(out.filter((f) => f.control && f.type === 2).map((f) => f.id)).toEqual([1, 3]);
    // The replies' header blocks inflate (with or without the dictionary) to empty blocks.
    const inflate = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
    const blocks = out.filter((f) => f.type === 2).map((f) => f.body.subarray(4));
    const inflated = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      inflate.on('data', (d) => parts.push(d));
      inflate.write(Buffer.concat(blocks));
      inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(parts)));
    });
    expect(inflated).toEqual(Buffer.alloc(8));
    expect(out.find((f) => f.control && f.type === 6)?.body.readUInt32BE(0)).toBe(1);
    const data = out.filter((f) => !f.control && f.id === 3);
    expect(data.map((f) => [f.body.toString(), f.flags])).toEqual([
      ['200 OK', 0],
      ['', 1],
    ]);
  });
});
