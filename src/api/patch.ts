// Patches: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and Kubernetes' strategic merge
// patch, with the merge keys of the built-in kinds, plus the three-way patch client-side apply sends.

import { jsonEqual } from './equal.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** Thrown for a malformed patch; the apiserver answers it with 400 or 422. */
export class PatchError extends Error {}

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): any {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`invalid JSON pointer: "${p}"`);
  return p.slice(1).split('/').map(unescape);
}

function locate(doc: any, tokens: string[], op: string): { parent: any; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw new PatchError(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] };
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): any {
  if (!Array.isArray(ops)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  const missing = (op: string, path: string) => new PatchError(`${op} operation does not apply: doc is missing path: "${path}"`);
  for (const o of ops) {
    if (!isObj(o)) throw new PatchError('invalid JSON patch operation');
    const path = String(o.path ?? '');
    const tokens = parsePointer(path);
    const get = (toks: string[]) => {
      let cur: any = doc;
      for (const t of toks) cur = Array.isArray(cur) ? cur[t === '-' ? cur.length : Number(t)] : isObj(cur) ? cur[t] : undefined;
      return cur;
    };
    const add = (toks: string[], value: any, replace: boolean) => {
      if (toks.length === 0) {
        doc = value;
        return;
      }
      const { parent, key } = locate(doc, toks, o.op);
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (!Number.isInteger(i) || i < 0 || i > parent.length - (replace ? 1 : 0)) throw missing(o.op, path);
        if (replace) parent[i] = value;
        else parent.splice(i, 0, value);
      } else if (isObj(parent)) {
        if (replace && !(key in parent)) throw missing(o.op, path);
        parent[key] = value;
      } else throw missing(o.op, path);
    };
    const remove = (toks: string[]) => {
      const { parent, key } = locate(doc, toks, o.op);
      if (Array.isArray(parent)) {
        const i = Number(key);
        if (!(i >= 0 && i < parent.length)) throw missing('remove', path);
        parent.splice(i, 1);
      } else if (isObj(parent) && key in parent) delete parent[key];
      else throw missing('remove', path);
    };
    switch (o.op) {
      case 'add':
        add(tokens, clone(o.value), false);
        break;
      case 'replace':
        add(tokens, clone(o.value), true);
        break;
      case 'remove':
        remove(tokens);
        break;
      case 'move': {
        const from = parsePointer(String(o.from));
        const v = get(from);
        if (v === undefined) throw missing('move', String(o.from));
        remove(from);
        add(tokens, v, false);
        break;
      }
      case 'copy': {
        const v = get(parsePointer(String(o.from)));
        if (v === undefined) throw missing('copy', String(o.from));
        add(tokens, clone(v), false);
        break;
      }
      case 'test':
        if (JSON.stringify(get(tokens)) !== JSON.stringify(o.value)) throw new PatchError(`testing value ${path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${o.op}`);
    }
  }
  return doc;
}

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  resourceClaims: 'name',
  schedulingGates: 'name',
  secrets: 'name',
  addresses: 'type',
};

/** Lists of scalars that strategic merge treats as sets (patchStrategy: merge). */
const MERGE_SETS = new Set(['finalizers']);

/** The strategic-merge key of the list at `path` (dotted, without indices), or undefined if the list is replaced. */
export function mergeKeyFor(path: string[]): string | undefined {
  const field = path[path.length - 1];
  if (field === 'ports') {
    // Container ports merge by containerPort, Service ports by port.
    return path.some((p) => p === 'containers' || p === 'initContainers' || p === 'ephemeralContainers') ? 'containerPort' : 'port';
  }
  if (field === 'conditions' && path[0] !== 'status') return undefined;
  if (field === 'addresses' && path[0] !== 'status') return undefined;
  return MERGE_KEYS[field];
}

function mergeList(target: any[], patch: any[], key: string, order: any[] | undefined, path: string[]): any[] {
  const out = target.map((x) => clone(x));
  for (const item of patch) {
    if (!isObj(item)) continue;
    const directive = item.$patch;
    const idx = out.findIndex((x) => isObj(x) && x[key] === item[key]);
    if (directive === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (directive === 'replace') return patch.filter((x) => !(isObj(x) && x.$patch === 'replace'));
    if (idx >= 0) out[idx] = strategicMerge(out[idx], item, path);
    else out.push(strategicMerge({}, item, path));
  }
  if (order && order.length > 0) {
    const pos = (x: any) => {
      const i = order.findIndex((o) => isObj(o) && isObj(x) && o[key] === x[key]);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    out.sort((a, b) => pos(a) - pos(b));
  }
  return out;
}

/**
 * Kubernetes strategic merge patch. Lists with a merge key merge item by item; `$patch: delete`
 * and `$patch: replace` directives, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`
 * and `$retainKeys` are honoured; `null` deletes a key.
 */
export function strategicMerge(target: unknown, patch: unknown, path: string[] = []): any {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  let out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = out[field].filter((x: unknown) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const childPath = [...path, k];
    if (Array.isArray(v)) {
      const key = mergeKeyFor(childPath);
      const order = patch[`$setElementOrder/${k}`];
      if (key && Array.isArray(out[k])) out[k] = mergeList(out[k], v, key, order, childPath);
      else if (key) out[k] = mergeList([], v, key, order, childPath);
      else if (MERGE_SETS.has(k) && Array.isArray(out[k])) out[k] = [...out[k], ...v.filter((x) => !out[k].includes(x))];
      else out[k] = clone(v).filter((x: any) => !(isObj(x) && x.$patch));
    } else if (isObj(v)) {
      const merged = strategicMerge(out[k], v, childPath);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set<string>(patch.$retainKeys);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}


/**
 * The strategic merge patch client-side apply sends: from the last-applied configuration
 * (`original`), the new manifest (`modified`) and the live object (`current`). Fields in
 * `modified` that differ from `current` are set; fields in `original` that `modified` dropped are
 * deleted (null, or `$patch: delete` for keyed list items). Returns {} when nothing changes.
 */
export function threeWayPatch(original: unknown, modified: unknown, current: unknown, path: string[] = []): Obj {
  const o = isObj(original) ? original : {};
  const m = isObj(modified) ? modified : {};
  const c = isObj(current) ? current : {};
  const patch: Obj = {};
  for (const k of Object.keys(o)) if (!(k in m) && k in c) patch[k] = null;
  for (const [k, mv] of Object.entries(m)) {
    const cv = c[k];
    const ov = o[k];
    const childPath = [...path, k];
    if (isObj(mv)) {
      if (!isObj(cv)) {
        patch[k] = clone(mv);
        continue;
      }
      const sub = threeWayPatch(ov, mv, cv, childPath);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (Array.isArray(mv)) {
      const key = mergeKeyFor(childPath);
      if (key && Array.isArray(cv) && mv.every(isObj)) {
        const items: any[] = [];
        const origItems: any[] = Array.isArray(ov) ? ov : [];
        for (const oi of origItems) {
          if (isObj(oi) && !mv.some((x) => x[key] === oi[key]) && cv.some((x: any) => isObj(x) && x[key] === oi[key])) items.push({ $patch: 'delete', [key]: oi[key] });
        }
        for (const mi of mv) {
          const ci = cv.find((x: any) => isObj(x) && x[key] === mi[key]);
          const oi = origItems.find((x: any) => isObj(x) && x[key] === mi[key]);
          if (!ci) items.push(clone(mi));
          else {
            const sub = threeWayPatch(oi, mi, ci, childPath);
            if (Object.keys(sub).length > 0) items.push({ ...sub, [key]: mi[key] });
          }
        }
        const orderChanged = !jsonEqual(
          mv.map((x) => x[key]),
          cv.filter((x: any) => mv.some((y) => y[key] === x[key])).map((x: any) => x[key]),
        );
        if (items.length > 0 || orderChanged) {
          patch[`$setElementOrder/${k}`] = mv.map((x) => ({ [key]: x[key] }));
          if (items.length > 0) patch[k] = items;
        }
      } else if (!jsonEqual(mv, cv)) {
        patch[k] = clone(mv);
      }
    } else if (!jsonEqual(mv, cv)) {
      patch[k] = mv;
    }
  }
  return patch;
}
