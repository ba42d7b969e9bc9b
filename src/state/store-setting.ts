// Which store a daemon uses: SQLite in its state dir (the default), or etcd, named by
// `MINIK_STORE=etcd://host:port[,host:port...]` or `minikctl daemon start --store ...`. A setting
// given once is kept in the state dir (`store`), so later starts of that cluster use it too;
// `--store sqlite` goes back to SQLite.
import fs from 'node:fs';
import { writePrivateFile } from './state.js';

export type StoreSetting = { kind: 'sqlite' } | { kind: 'etcd'; url: string; endpoints: string[] };

/** Parses a setting; throws with what is wrong. */
export function parseStoreSetting(text: string): StoreSetting {
  const t = text.trim();
  if (t === '' || t === 'sqlite') return { kind: 'sqlite' };
  const m = /^etcd:\/\/(.+)$/.exec(t);
  if (!m) throw new Error(`invalid store "${t}": expected sqlite or etcd://HOST:PORT[,HOST:PORT...]`);
  const endpoints = m[1].split(',').map((hp) => {
    if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(hp) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(hp)) throw new Error(`invalid etcd endpoint "${hp}" in store "${t}": expected HOST:PORT`);
    return `http://${hp}`;
  });
  return { kind: 'etcd', url: t, endpoints };
}

/** The setting for a start: the one given (then kept), else the kept one, else SQLite. */
export function resolveStoreSetting(given: string | undefined, file: string): StoreSetting {
  if (given !== undefined && given !== '') {
    const setting = parseStoreSetting(given);
    if (setting.kind === 'sqlite') fs.rmSync(file, { force: true });
    else writePrivateFile(file, setting.url + '\n');
    return setting;
  }
  try {
    return parseStoreSetting(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'sqlite' };
    throw e;
  }
}
