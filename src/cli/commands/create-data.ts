// `minikctl create configmap|secret generic|secret tls|secret docker-registry NAME`: objects
// holding data, built from literals, files, folders and env files as kubectl's generators build them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { configMapKey } from '../../api/names.js';
import type { KubeObject } from '../../api/types.js';
import { CliError } from '../errors.js';

export interface DataSources {
  fromLiteral?: string[];
  fromFile?: string[];
  fromEnvFile?: string[];
}

/** One key and its bytes, in the order the flags gave them. */
type Entry = { key: string; value: Buffer };

function validKey(key: string, kind: string): void {
  const problems = configMapKey(key);
  if (problems.length) throw new CliError(`error: "${key}" is not a valid key name for a ${kind}: ${problems.join('; ')}`);
}

/** `--from-file=[key=]source`: a file (key: its name unless given), or every regular file of a folder. */
function fromFile(spec: string): Entry[] {
  const eq = spec.indexOf('=');
  const [key, source] = eq >= 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [undefined, spec];
  if (key === '') throw new CliError(`error: key names or file paths cannot contain '='`);
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch {
    throw new CliError(`error: error reading ${source}: no such file or directory`);
  }
  if (!st.isDirectory()) return [{ key: key ?? path.basename(source), value: fs.readFileSync(source) }];
  if (key !== undefined) throw new CliError('error: cannot give a key name for a directory path');
  return fs
    .readdirSync(source, { withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort()
    .map((name) => ({ key: name, value: fs.readFileSync(path.join(source, name)) }));
}

/** `--from-env-file`: KEY=VALUE lines; blank lines and # comments skipped; a bare KEY takes its value from the environment. */
function fromEnvFile(file: string, env: NodeJS.ProcessEnv): Entry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`error: open ${file}: no such file or directory`);
  }
  const out: Entry[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq) : line;
    if (/\s/.test(key) || key === '') throw new CliError(`error: "${key}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (line ${i + 1} of ${file})`);
    if (eq >= 0) out.push({ key, value: Buffer.from(line.slice(eq + 1)) });
    else if (env[key] !== undefined) out.push({ key, value: Buffer.from(env[key]!) });
  });
  return out;
}

/** Every entry the flags name, checked for valid and unique keys. */
function entries(kind: 'ConfigMap' | 'Secret', name: string, src: DataSources, env: NodeJS.ProcessEnv): Entry[] {
  if (src.fromEnvFile?.length && (src.fromFile?.length || src.fromLiteral?.length)) throw new CliError('error: from-env-file cannot be combined with from-file or from-literal');
  const all: Entry[] = [];
  for (const f of src.fromFile ?? []) all.push(...fromFile(f));
  for (const lit of src.fromLiteral ?? []) {
    const eq = lit.indexOf('=');
    if (eq <= 0) throw new CliError(`error: invalid literal source ${lit}, expected key=value`);
    all.push({ key: lit.slice(0, eq), value: Buffer.from(lit.slice(eq + 1)) });
  }
  for (const f of src.fromEnvFile ?? []) all.push(...fromEnvFile(f, env));
  const seen = new Set<string>();
  for (const e of all) {
    validKey(e.key, kind);
    if (seen.has(e.key)) throw new CliError(`error: cannot add key "${e.key}", another key by that name already exists in ${kind === 'ConfigMap' ? 'Data' : 'data'} for ${kind} "${name}"`);
    seen.add(e.key);
  }
  return all;
}

const isUtf8 = (b: Buffer) => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

/** A ConfigMap: text values in data, anything else (not UTF-8) base64 in binaryData. */
export function configMapFrom(name: string, src: DataSources, env: NodeJS.ProcessEnv): KubeObject {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const e of entries('ConfigMap', name, src, env)) {
    if (isUtf8(e.value)) data[e.key] = e.value.toString('utf8');
    else binaryData[e.key] = e.value.toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    ...(Object.keys(data).length ? { data } : {}),
    ...(Object.keys(binaryData).length ? { binaryData } : {}),
  };
}

/** A generic Secret: every value base64 in data; `type` only when given (the server defaults Opaque). */
export function genericSecretFrom(name: string, src: DataSources, env: NodeJS.ProcessEnv, type?: string): KubeObject {
  const data: Record<string, string> = {};
  for (const e of entries('Secret', name, src, env)) data[e.key] = e.value.toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, ...(Object.keys(data).length ? { data } : {}), ...(type ? { type } : {}) };
}

/** A kubernetes.io/tls Secret from a certificate and its key (PEM), checked to be a pair. */
export function tlsSecretFrom(name: string, certFile: string | undefined, keyFile: string | undefined): KubeObject {
  if (!certFile || !keyFile) throw new CliError('error: required flag(s) "cert", "key" not set');
  const read = (f: string) => {
    try {
      return fs.readFileSync(f);
    } catch {
      throw new CliError(`error: open ${f}: no such file or directory`);
    }
  };
  const cert = read(certFile);
  const key = read(keyFile);
  try {
    const x509 = new crypto.X509Certificate(cert);
    if (!x509.checkPrivateKey(crypto.createPrivateKey(key))) throw new Error('private key does not match public key');
  } catch (e) {
    throw new CliError(`error: failed to load key pair tls: ${(e as Error).message}`);
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { 'tls.crt': cert.toString('base64'), 'tls.key': key.toString('base64') }, type: 'kubernetes.io/tls' };
}

export interface DockerRegistryOptions {
  dockerServer?: string;
  dockerUsername?: string;
  dockerPassword?: string;
  dockerEmail?: string;
}

/** A kubernetes.io/dockerconfigjson Secret: one registry's credentials as .dockerconfigjson. */
export function dockerRegistrySecretFrom(name: string, o: DockerRegistryOptions): KubeObject {
  if (!o.dockerUsername || !o.dockerPassword) throw new CliError('error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
  const server = o.dockerServer ?? 'https://index.docker.io/v1/';
  const entry = {
    username: o.dockerUsername,
    password: o.dockerPassword,
    ...(o.dockerEmail ? { email: o.dockerEmail } : {}),
    auth: Buffer.from(`${o.dockerUsername}:${o.dockerPassword}`).toString('base64'),
  };
  const config = JSON.stringify({ auths: { [server]: entry } });
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { '.dockerconfigjson': Buffer.from(config).toString('base64') }, type: 'kubernetes.io/dockerconfigjson' };
}
