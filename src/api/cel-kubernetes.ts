// Kubernetes' CEL libraries (k8s.io/apiserver/pkg/cel/library) on top of @bufbuild/cel: quantity,
// url, ip and cidr values with their functions and methods, the lists extension (isSorted, sum,
// min, max, indexOf, lastIndexOf) and the regex extension (find, findAll). A Quantity, URL, IP
// or CIDR is carried as a CEL map tagged with its kind (`{"__quantity": "1073741824"}`, the
// canonical value, so `quantity('1Gi') == quantity('1024Mi')`); the functions below are the
// only way to make or read one. Worked example: `quantity(self.limit).isGreaterThan(quantity('1Gi'))`.
import { isIP, isIPv4 } from 'node:net';
import type { CelFunc } from '@bufbuild/cel';
import { isQuantity, parseQuantity } from './quantity.js';

type CelLib = typeof import('@bufbuild/cel');
type Tagged = ReadonlyMap<string, string>;

/** The library's functions for an environment (needs the loaded @bufbuild/cel). */
export function kubernetesFunctions(cel: CelLib): CelFunc[] {
  const { celFunc, celMethod, CelScalar: S, mapType, listType, celList } = cel;
  const OPAQUE = mapType(S.STRING, S.DYN);
  const LIST = listType(S.DYN);
  const tag = (kind: string, value: string): Tagged => new Map([[`__${kind}`, value]]);
  const read = (m: Tagged, kind: string): string => {
    const v = m.get(`__${kind}`);
    if (typeof v !== 'string') throw new Error(`no such overload: ${kind} method on ${[...m.keys()].join(',') || 'map'}`);
    return v;
  };

  // Quantity
  const q = (m: Tagged) => Number(read(m, 'quantity'));
  const quantity = (s: string) => {
    if (!isQuantity(s)) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    return tag('quantity', String(parseQuantity(s)));
  };
  const toQ = (v: unknown) => (typeof v === 'bigint' ? Number(v) : q(v as Tagged));
  const quantityFns = [
    celFunc('quantity', [S.STRING], OPAQUE, quantity),
    celFunc('isQuantity', [S.STRING], S.BOOL, (s) => isQuantity(s)),
    celMethod('isInteger', OPAQUE, [], S.BOOL, function () {
      return Number.isSafeInteger(q(this as Tagged));
    }),
    celMethod('asInteger', OPAQUE, [], S.INT, function () {
      const v = q(this as Tagged);
      if (!Number.isSafeInteger(v)) throw new Error('cannot convert value to integer');
      return BigInt(v);
    }),
    celMethod('asApproximateFloat', OPAQUE, [], S.DOUBLE, function () {
      return q(this as Tagged);
    }),
    celMethod('sign', OPAQUE, [], S.INT, function () {
      return BigInt(Math.sign(q(this as Tagged)));
    }),
    ...(['isGreaterThan', 'isLessThan', 'compareTo'] as const).map((name) =>
      celMethod(name, OPAQUE, [OPAQUE], name === 'compareTo' ? S.INT : S.BOOL, function (other) {
        const d = q(this as Tagged) - q(other as Tagged);
        if (name === 'compareTo') return BigInt(Math.sign(d)) as never;
        return (name === 'isGreaterThan' ? d > 0 : d < 0) as never;
      }),
    ),
    ...(['add', 'sub'] as const).flatMap((name) =>
      [OPAQUE, S.INT].map((arg) =>
        celMethod(name, OPAQUE, [arg], OPAQUE, function (other) {
          const v = q(this as Tagged) + (name === 'add' ? 1 : -1) * toQ(other);
          return tag('quantity', String(v));
        }),
      ),
    ),
  ];

  // URL: an absolute URI or an absolute path (Go's url.ParseRequestURI).
  const RELATIVE = 'http://relative.invalid';
  const parsesAsURL = (s: string): boolean => {
    if (s.startsWith('/')) return !/\s/.test(s);
    try {
      new URL(s);
      return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
    } catch {
      return false;
    }
  };
  const urlParts = (m: Tagged) => {
    const s = read(m, 'url');
    const u = new URL(s, RELATIVE);
    return s.startsWith('/') ? { scheme: '', host: '', hostname: '', port: '', u } : { scheme: u.protocol.replace(/:$/, ''), host: u.host, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, u };
  };
  const urlOf = (m: Tagged) => urlParts(m).u;
  const urlFns = [
    celFunc('url', [S.STRING], OPAQUE, (s) => {
      if (!parsesAsURL(s)) throw new Error(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
      return tag('url', s);
    }),
    celFunc('isURL', [S.STRING], S.BOOL, parsesAsURL),
    ...(['getScheme', 'getHost', 'getHostname', 'getPort'] as const).map((name) =>
      celMethod(name, OPAQUE, [], S.STRING, function () {
        const parts = urlParts(this as Tagged);
        return { getScheme: parts.scheme, getHost: parts.host, getHostname: parts.hostname, getPort: parts.port }[name];
      }),
    ),
    celMethod('getEscapedPath', OPAQUE, [], S.STRING, function () {
      return urlOf(this as Tagged).pathname;
    }),
    celMethod('getQuery', OPAQUE, [], mapType(S.STRING, LIST), function () {
      const out = new Map<string, string[]>();
      for (const [k, v] of urlOf(this as Tagged).searchParams) out.set(k, [...(out.get(k) ?? []), v]);
      return new Map([...out].map(([k, v]) => [k, celList(v)])) as never;
    }),
  ];

  // IP and CIDR
  const ipBits = (s: string): bigint => {
    if (isIPv4(s)) return s.split('.').reduce((n, p) => (n << 8n) | BigInt(p), 0n);
    const [head, tail] = s.split('::');
    const parts = (p: string | undefined) => (p ? p.split(':') : []);
    const h = parts(head);
    const t = parts(tail);
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
  };
  const family = (s: string) => (isIPv4(s) ? 4 : 6);
  const canonicalIP = (s: string): string => {
    if (isIPv4(s)) return s;
    const bits = ipBits(s);
    const groups = Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
    // The longest run of two or more zero groups becomes `::` (RFC 5952).
    let best = -1;
    let len = 0;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > len && j - i >= 2) [best, len] = [i, j - i];
      i = j === i ? i + 1 : j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + len).join(':')}`;
  };
  const validIP = (s: string) => isIP(s) !== 0 && !s.includes('%') && !(isIPv4(s) && /(^|\.)0\d/.test(s));
  const ip = (s: string) => {
    if (!validIP(s)) throw new Error(`IP Address "${s}" parse error during conversion from string: ParseAddr("${s}"): unable to parse IP`);
    return tag('ip', s);
  };
  const parseCidr = (s: string): { ip: string; prefix: number } | undefined => {
    const [addr, p] = s.split('/');
    if (p === undefined || !/^\d+$/.test(p) || !validIP(addr)) return undefined;
    const prefix = Number(p);
    if (prefix > (family(addr) === 4 ? 32 : 128)) return undefined;
    return { ip: addr, prefix };
  };
  const cidr = (s: string) => {
    if (!parseCidr(s)) throw new Error(`network address "${s}" parse error during conversion from string: netip.ParsePrefix("${s}"): bad bits after slash`);
    return tag('cidr', s);
  };
  const ipOf = (m: Tagged) => read(m, 'ip');
  const cidrOf = (m: Tagged) => parseCidr(read(m, 'cidr'))!;
  const width = (s: string) => (family(s) === 4 ? 32n : 128n);
  const contains = (c: { ip: string; prefix: number }, addr: string, prefix: number) => {
    if (family(addr) !== family(c.ip) || prefix < c.prefix) return false;
    const shift = width(c.ip) - BigInt(c.prefix);
    return ipBits(addr) >> shift === ipBits(c.ip) >> shift;
  };
  const maskedIP = (c: { ip: string; prefix: number }) => {
    const w = width(c.ip);
    const shift = w - BigInt(c.prefix);
    const bits = (ipBits(c.ip) >> shift) << shift;
    if (w === 32n) return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 255n)).join('.');
    return canonicalIP(Array.from({ length: 8 }, (_, i) => ((bits >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(':'));
  };
  const ipTest = (name: string, test: (s: string, bits: bigint) => boolean) =>
    celMethod(name, OPAQUE, [], S.BOOL, function () {
      const s = ipOf(this as Tagged);
      return test(s, ipBits(s));
    });
  const ipFns = [
    celFunc('ip', [S.STRING], OPAQUE, ip),
    celFunc('isIP', [S.STRING], S.BOOL, validIP),
    celFunc('ip.isCanonical', [S.STRING], S.BOOL, (s) => {
      if (!validIP(s)) throw new Error(`IP Address "${s}" parse error during conversion from string`);
      return canonicalIP(s) === s;
    }),
    celMethod('family', OPAQUE, [], S.INT, function () {
      return BigInt(family(ipOf(this as Tagged)));
    }),
    ipTest('isUnspecified', (_s, b) => b === 0n),
    ipTest('isLoopback', (s, b) => (family(s) === 4 ? b >> 24n === 127n : b === 1n)),
    ipTest('isLinkLocalMulticast', (s, b) => (family(s) === 4 ? b >> 8n === 0xe00000n : b >> 112n === 0xff02n)),
    ipTest('isLinkLocalUnicast', (s, b) => (family(s) === 4 ? b >> 16n === 0xa9fen : b >> 118n === 0x3fan)),
    ipTest('isGlobalUnicast', (s, b) => {
      if (b === 0n) return false;
      if (family(s) === 4) return b >> 24n !== 127n && b >> 16n !== 0xa9fen && b >> 28n !== 0xen && b !== 0xffffffffn;
      return b !== 1n && b >> 118n !== 0x3fan && b >> 120n !== 0xffn;
    }),
    celMethod('isCanonical', OPAQUE, [], S.BOOL, function () {
      const s = ipOf(this as Tagged);
      return canonicalIP(s) === s;
    }),
    celFunc('cidr', [S.STRING], OPAQUE, cidr),
    celFunc('isCIDR', [S.STRING], S.BOOL, (s) => parseCidr(s) !== undefined),
    celMethod('containsIP', OPAQUE, [S.STRING], S.BOOL, function (s) {
      return contains(cidrOf(this as Tagged), ipOf(ip(s)), width(s) === 32n ? 32 : 128);
    }),
    celMethod('containsIP', OPAQUE, [OPAQUE], S.BOOL, function (other) {
      const s = ipOf(other as Tagged);
      return contains(cidrOf(this as Tagged), s, Number(width(s)));
    }),
    celMethod('containsCIDR', OPAQUE, [S.STRING], S.BOOL, function (s) {
      const o = cidrOf(cidr(s));
      return contains(cidrOf(this as Tagged), o.ip, o.prefix);
    }),
    celMethod('containsCIDR', OPAQUE, [OPAQUE], S.BOOL, function (other) {
      const o = cidrOf(other as Tagged);
      return contains(cidrOf(this as Tagged), o.ip, o.prefix);
    }),
    celMethod('ip', OPAQUE, [], OPAQUE, function () {
      return tag('ip', cidrOf(this as Tagged).ip);
    }),
    celMethod('masked', OPAQUE, [], OPAQUE, function () {
      const c = cidrOf(this as Tagged);
      return tag('cidr', `${maskedIP(c)}/${c.prefix}`);
    }),
    celMethod('prefixLength', OPAQUE, [], S.INT, function () {
      return BigInt(cidrOf(this as Tagged).prefix);
    }),
  ];

  // Lists
  type Item = bigint | number | string | boolean;
  const items = (l: Iterable<unknown>) => [...l] as Item[];
  const less = (a: Item, b: Item) => (typeof a === 'bigint' && typeof b === 'bigint') || (typeof a === typeof b) ? a < b : Number(a) < Number(b);
  const same = (a: unknown, b: unknown) => a === b || (typeof a !== 'object' && typeof b !== 'object' && Number(a) === Number(b) && typeof a !== 'string' && typeof b !== 'string');
  const listFns = [
    celMethod('isSorted', LIST, [], S.BOOL, function () {
      const xs = items(this as Iterable<unknown>);
      return xs.every((x, i) => i === 0 || !less(x, xs[i - 1]));
    }),
    celMethod('sum', LIST, [], S.DYN, function () {
      const xs = items(this as Iterable<unknown>);
      if (xs.length === 0) return 0n as never;
      if (xs.every((x) => typeof x === 'bigint')) return (xs as bigint[]).reduce((a, b) => a + b, 0n) as never;
      return xs.reduce((a, b) => Number(a) + Number(b), 0) as never;
    }),
    ...(['min', 'max'] as const).map((name) =>
      celMethod(name, LIST, [], S.DYN, function () {
        const xs = items(this as Iterable<unknown>);
        if (xs.length === 0) throw new Error(`${name}(list) called on an empty list`);
        return xs.reduce((a, b) => (name === 'min' ? (less(b, a) ? b : a) : less(a, b) ? b : a)) as never;
      }),
    ),
    ...(['indexOf', 'lastIndexOf'] as const).map((name) =>
      celMethod(name, LIST, [S.DYN], S.INT, function (v) {
        const xs = items(this as Iterable<unknown>);
        const i = name === 'indexOf' ? xs.findIndex((x) => same(x, v)) : xs.length - 1 - [...xs].reverse().findIndex((x) => same(x, v));
        return BigInt(name === 'lastIndexOf' && i === xs.length ? -1 : i);
      }),
    ),
  ];

  // Regex
  const regexFns = [
    celMethod('find', S.STRING, [S.STRING], S.STRING, function (re) {
      return new RegExp(re).exec(this as string)?.[0] ?? '';
    }),
    celMethod('findAll', S.STRING, [S.STRING], LIST, function (re) {
      return celList([...(this as string).matchAll(new RegExp(re, 'g'))].map((m) => m[0])) as never;
    }),
    celMethod('findAll', S.STRING, [S.STRING, S.INT], LIST, function (re, n) {
      const all = [...(this as string).matchAll(new RegExp(re, 'g'))].map((m) => m[0]);
      return celList(n < 0n ? all : all.slice(0, Number(n))) as never;
    }),
  ];

  return [...quantityFns, ...urlFns, ...ipFns, ...listFns, ...regexFns];
}
