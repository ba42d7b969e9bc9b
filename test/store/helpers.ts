// What the store tests share: an etcd member for a test file, stores on fresh key prefixes in it
// (closed after the file), and the code a store call fails with.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { EtcdStore, type EtcdStoreOptions } from '../../src/store/etcd-store.js';
import { StoreError } from '../../src/store/store.js';
import { ETCD_BIN, type EtcdCluster, startEtcd } from '../etcd.js';

/** The StoreError code `fn` fails with, or 'ok'. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e.code;
    throw e;
  }
  return 'ok';
}

/**
 * For a test file: a one-member etcd started before its tests (when etcd is installed) and
 * stopped after them, with every store opened on it closed first.
 */
export function etcdForFile(): { endpoints(): string[]; open(opts?: Partial<EtcdStoreOptions>): EtcdStore; freshPrefix(): string } {
  let etcd: EtcdCluster | undefined;
  const opened: EtcdStore[] = [];
  beforeAll(async () => {
    if (ETCD_BIN) etcd = await startEtcd(1);
  }, 30_000);
  afterAll(async () => {
    for (const s of opened) await s.close();
    await etcd?.stop();
  });
  const freshPrefix = () => `/t${randomBytes(4).toString('hex')}/`;
  return {
    endpoints: () => etcd!.endpoints,
    freshPrefix,
    /** A store on this file's etcd: on a fresh prefix unless `opts.prefix` names one; closed after the file. */
    open(opts = {}) {
      const s = new EtcdStore({ endpoints: etcd!.endpoints, prefix: freshPrefix(), ...opts });
      opened.push(s);
      return s;
    },
  };
}
