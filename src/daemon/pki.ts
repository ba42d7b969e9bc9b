// The cluster's certificate authority: a self-signed X.509 CA certificate (ECDSA P-256, ten years,
// as kubeadm makes one), kept in the state dir. Pods see it as `ca.crt` in the `kube-root-ca.crt`
// ConfigMap of every namespace. Node can sign but not build certificates, so the certificate's
// DER is written here (the few ASN.1 types a certificate needs).
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
  subjectKeyIdentifier: '2.5.29.14',
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

/** A new self-signed CA certificate (ECDSA P-256, SHA-256), valid from an hour ago for ten years. */
export function createCA(commonName: string, now = Date.now()): CertificateAuthority {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const algorithm = sequence(objectId(OID.ecdsaWithSHA256));
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    algorithm,
    distinguishedName(commonName),
    sequence(time(new Date(now - 3600_000)), time(new Date(now + 10 * YEAR_MS))),
    distinguishedName(commonName),
    spki,
    explicit(
      3,
      sequence(
        // keyUsage: digitalSignature (bit 0), keyEncipherment (2), keyCertSign (5): 0b10100100, 2 bits unused
        extension(OID.keyUsage, true, bitString(Buffer.from([0xa4]), 2)),
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return { certPem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, key: privateKey };
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
