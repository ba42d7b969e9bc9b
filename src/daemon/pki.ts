// The cluster's certificate authority: a self-signed X.509 CA certificate (ECDSA P-256, ten years,
// as kubeadm makes one), kept in the state dir. Pods see it as `ca.crt` in the `kube-root-ca.crt`
// ConfigMap of every namespace; the kubeconfig carries it so clients verify the API server's
// certificate, which the CA signs at each daemon start. Node can sign but not build
// certificates, so their DER is written here (the few ASN.1 types a certificate needs).
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { writePrivateFile } from '../state/state.js';

/** A CA: its certificate (PEM) and its private key. */
export interface CertificateAuthority {
  certPem: string;
  key: KeyObject;
}

// ---- DER: tag, length, content ----

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const setOf = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const octetString = (b: Buffer): Buffer => tlv(0x04, b);
const boolean = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
/** `[n] EXPLICIT`: a context-specific constructed tag around one value. */
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);

/** A BIT STRING whose last `unused` bits are padding. */
const bitString = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

/** A non-negative INTEGER from big-endian bytes (minimal, with a leading zero when the top bit is set). */
function unsignedInteger(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function objectId(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const v of rest) {
    const enc = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) enc.unshift((x & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
};

const distinguishedName = (cn: string): Buffer => sequence(setOf(sequence(objectId(OID.commonName), utf8String(cn))));

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectId(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** The key identifier RFC 5280 suggests: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }: for P-256 the
  // key is the trailing 65 bytes (uncompressed point).
  return createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
}

/** The CA's common name (kubeadm's is `kubernetes`, minikube's `minikubeCA`). */
export const CA_NAME = 'minikCA';

const YEAR_MS = 365 * 24 * 3600 * 1000;

const pem = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

/** A signed certificate: the TBSCertificate's parts, signed by `signer`. */
function certificate(subject: string, issuer: string, spki: Buffer, validity: [Date, Date], extensions: Buffer[], signer: KeyObject): Buffer {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const algorithm = sequence(objectId(OID.ecdsaWithSHA256));
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    algorithm,
    distinguishedName(issuer),
    sequence(time(validity[0]), time(validity[1])),
    distinguishedName(subject),
    spki,
    explicit(3, sequence(...extensions)),
  );
  return sequence(tbs, algorithm, bitString(sign('sha256', tbs, signer)));
}

/** A new self-signed CA certificate (ECDSA P-256, SHA-256), valid from an hour ago for ten years. */
export function createCA(commonName: string, now = Date.now()): CertificateAuthority {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const der = certificate(commonName, commonName, spki, [new Date(now - 3600_000), new Date(now + 10 * YEAR_MS)], [
    // keyUsage: digitalSignature (bit 0), keyEncipherment (2), keyCertSign (5): 0b10100100, 2 bits unused
    extension(OID.keyUsage, true, bitString(Buffer.from([0xa4]), 2)),
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
  ], privateKey);
  return { certPem: pem(der), key: privateKey };
}

/** An IPv4 or IPv6 address's bytes, as a SAN iPAddress holds them. */
function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const groups = (s: string | undefined) => (s ? s.split(':') : []);
    const h = groups(head);
    const t = groups(tail);
    const all = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

/**
 * A serving certificate the CA signs (a year, ECDSA P-256): `names` are its DNS names and IP
 * addresses (subjectAltName), as kube-apiserver's certificate lists 127.0.0.1 and
 * kubernetes.default.svc. Returns the certificate and its key, PEM.
 */
export function issueServingCertificate(ca: CertificateAuthority, commonName: string, names: string[], now = Date.now()): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const caCert = new X509Certificate(ca.certPem);
  const caSpki = caCert.publicKey.export({ type: 'spki', format: 'der' });
  const isIp = (n: string) => /^[\d.]+$/.test(n) || n.includes(':');
  // [2] dNSName and [7] iPAddress, implicitly tagged primitives.
  const san = sequence(...names.map((n) => (isIp(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii')))));
  const der = certificate(commonName, caCert.subject.replace(/^CN=/, ''), spki, [new Date(now - 3600_000), new Date(now + YEAR_MS)], [
    // keyUsage: digitalSignature (bit 0) only, as an ECDSA serving key needs: 0b10000000, 7 unused
    extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)),
    extension(OID.extKeyUsage, false, sequence(objectId(OID.serverAuth))),
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(caSpki)))),
    extension(OID.subjectAltName, false, san),
  ], ca.key);
  return { certPem: pem(der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/**
 * The CA of a state dir: read from `ca.crt`/`ca.key`, or made and written there (the key 0600)
 * when missing or unreadable.
 */
export function loadOrCreateCA(certFile: string, keyFile: string, commonName: string): CertificateAuthority {
  try {
    const certPem = fs.readFileSync(certFile, 'utf8');
    const key = createPrivateKey(fs.readFileSync(keyFile, 'utf8'));
    if (new X509Certificate(certPem).checkPrivateKey(key)) return { certPem, key };
  } catch {
    // made below
  }
  const ca = createCA(commonName);
  writePrivateFile(keyFile, ca.key.export({ type: 'pkcs8', format: 'pem' }) as string);
  writePrivateFile(certFile, ca.certPem);
  return ca;
}
