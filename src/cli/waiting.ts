// Waiting on the API: until an object is gone, or until a predicate holds, using list + watch
// from the list's resourceVersion as kubectl's informers do (no polling).
import type { ResourceInfo } from '../api/resources.js';
import type { KubeList, KubeObject } from '../api/types.js';
import { ApiError, type Client, resourcePath } from '../client/client.js';
import { CliError } from './errors.js';

/** Parses kubectl durations: `30s`, `5m`, `1h30m`, `500ms`, or a bare number of seconds. */
export function parseDuration(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let matched = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    matched += m[0];
  }
  if (matched !== s) throw new CliError(`error: invalid duration "${s}"`);
  return total;
}

/**
 * Waits until `test` returns true for the object (or for its absence: `test(undefined)`), watching
 * from the list's resourceVersion. Resolves false at the deadline.
 */
export function waitFor(client: Client, r: ResourceInfo, namespace: string, name: string, test: (o: KubeObject | undefined) => boolean, deadline?: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let done = false;
    let watch: { stop(): void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      watch?.stop();
      if (timer) clearTimeout(timer);
      resolve(v);
    };
    if (deadline !== undefined) timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
    const start = async () => {
      const path = resourcePath(r, r.namespaced ? namespace : undefined);
      const list = await client.get<KubeList>(path, { fieldSelector: `metadata.name=${name}` });
      if (done) return;
      const cur = list.body.items[0];
      if (test(cur)) return finish(true);
      watch = client.watch(
        path,
        { fieldSelector: `metadata.name=${name}`, resourceVersion: list.body.metadata.resourceVersion },
        (e) => {
          if (e.type === 'ERROR' || e.type === 'BOOKMARK') return;
          const o = e.object as KubeObject;
          if (test(e.type === 'DELETED' ? undefined : o)) finish(true);
        },
        (err) => {
          if (done) return;
          // The stream ended (server restart, timeout, 410): list and watch again.
          if (err && !(err instanceof ApiError && err.httpStatus === 410)) return done ? undefined : setTimeout(() => start().catch(reject), 200);
          start().catch(reject);
        },
      );
    };
    start().catch((e) => {
      if (!done) {
        done = true;
        if (timer) clearTimeout(timer);
        reject(e);
      }
    });
  });
}

/** Waits until the object is gone (or replaced by one with another uid). */
export function waitUntilGone(client: Client, r: ResourceInfo, namespace: string, name: string, uid: string | undefined, deadline?: number): Promise<boolean> {
  return waitFor(client, r, namespace, name, (o) => !o || (uid !== undefined && o.metadata.uid !== uid), deadline);
}
