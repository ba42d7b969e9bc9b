// Patches: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and Kubernetes' strategic merge
// patch, with the merge strategies of the built-in kinds (patch-meta.ts), plus the three-way patch client-side apply sends.

import { jsonEqual } from './equal.js';
import { getOwn, hasOwn, setOwn } from './own-keys.js';
import { type PatchType, fieldPatchMeta, fieldType, itemType, typeOfObject } from './patch-meta.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** Thrown for a patch that cannot be decoded (400). */
export class PatchError extends Error {}

/** Thrown for a JSON patch that does not apply to the object (422, as the apiserver answers). */
export class PatchApplyError extends PatchError {}

/** Thrown for a JSON patch with more operations than the apiserver accepts (413). */
export class PatchTooLarge extends PatchError {}

/** Most operations in one JSON patch, as the apiserver allows. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/** Most bytes a JSON patch's `copy` operations may add up to, as the apiserver allows (3 MiB). */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(getOwn(out, k), v));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchApplyError(`JSON pointer must be empty or start with a "/": "${p}"`);
  return p.slice(1).split('/').map(unescape);
}

/** One step down a JSON pointer: an array index or an own property, else undefined. */
function child(cur: unknown, token: string): unknown {
  if (Array.isArray(cur)) return /^(0|[1-9]\d*)$/.test(token) ? cur[Number(token)] : undefined;
  return isObj(cur) ? getOwn(cur, token) : undefined;
}

function locate(doc: unknown, tokens: string[], op: string, path: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = child(cur, t);
    if (cur === undefined) throw new PatchApplyError(`${op} operation does not apply: doc is missing path: "${path}"`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] };
}

/**
 * RFC 6902 JSON patch (add, remove, replace, move, copy, test), within the apiserver's limits: at
 * most MAX_JSON_PATCH_OPERATIONS operations (PatchTooLarge) and MAX_JSON_PATCH_COPY_BYTES copied
 * in all (so forty `copy` operations cannot double an object forty times).
 */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) throw new PatchTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  let doc = clone(target);
  let copied = 0;
  const missing = (op: string, path: string) => new PatchApplyError(`${op} operation does not apply: doc is missing path: "${path}"`);
  for (const o of ops) {
    if (!isObj(o)) throw new PatchError('invalid JSON patch operation');
    const op = String(getOwn(o, 'op'));
    const path = String(getOwn(o, 'path') ?? '');
    const tokens = parsePointer(path);
    const get = (toks: string[]) => {
      let cur: unknown = doc;
      for (const t of toks) {
        cur = child(cur, t);
        if (cur === undefined) return undefined;
      }
      return cur;
    };
    const add = (toks: string[], value: unknown, replace: boolean) => {
      if (toks.length === 0) {
        doc = value;
        return;
      }
      const { parent, key } = locate(doc, toks, op, path);
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
        if (i < 0 || i > parent.length - (replace ? 1 : 0)) throw missing(op, path);
        if (replace) parent[i] = value;
        else parent.splice(i, 0, value);
      } else if (isObj(parent)) {
        if (replace && !hasOwn(parent, key)) throw missing(op, path);
        setOwn(parent, key, value);
      } else throw missing(op, path);
    };
    const remove = (toks: string[], p: string) => {
      if (toks.length === 0) throw missing('remove', p);
      const { parent, key } = locate(doc, toks, 'remove', p);
      if (Array.isArray(parent)) {
        const i = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
        if (!(i >= 0 && i < parent.length)) throw missing('remove', p);
        parent.splice(i, 1);
      } else if (isObj(parent) && hasOwn(parent, key)) delete parent[key];
      else throw missing('remove', p);
    };
    const value = () => {
      if (!hasOwn(o, 'value')) throw new PatchApplyError(`${op} operation missing value`);
      return clone(o.value);
    };
    switch (op) {
      case 'add':
        add(tokens, value(), false);
        break;
      case 'replace':
        add(tokens, value(), true);
        break;
      case 'remove':
        remove(tokens, path);
        break;
      case 'move': {
        const fromPath = String(getOwn(o, 'from') ?? '');
        const from = parsePointer(fromPath);
        const v = get(from);
        if (v === undefined) throw missing('move', fromPath);
        remove(from, fromPath);
        add(tokens, v, false);
        break;
      }
      case 'copy': {
        const fromPath = String(getOwn(o, 'from') ?? '');
        const v = get(parsePointer(fromPath));
        if (v === undefined) throw missing('copy', fromPath);
        // Counted before the copy is made: the limit stops the doubling before it costs memory.
        copied += JSON.stringify(v).length;
        if (copied > MAX_JSON_PATCH_COPY_BYTES) throw new PatchApplyError(`Unable to copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`);
        add(tokens, clone(v), false);
        break;
      }
      case 'test':
        if (!jsonEqual(get(tokens) ?? null, getOwn(o, 'value') ?? null)) throw new PatchApplyError(`testing value ${path} failed: test failed`);
        break;
      default:
        throw new PatchApplyError(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

function mergeList(target: unknown[], patch: unknown[], key: string, order: unknown[] | undefined, item: PatchType): unknown[] {
  const out = target.map((x) => clone(x));
  for (const entry of patch) {
    if (!isObj(entry)) continue;
    const directive = getOwn(entry, '$patch');
    const idx = out.findIndex((x) => isObj(x) && getOwn(x, key) === getOwn(entry, key));
    if (directive === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (directive === 'replace') return patch.filter((x) => !(isObj(x) && x.$patch === 'replace'));
    if (idx >= 0) out[idx] = mergeObject(out[idx], entry, item);
    else out.push(mergeObject({}, entry, item));
  }
  if (order && order.length > 0) {
    const pos = (x: unknown) => {
      const i = order.findIndex((o) => isObj(o) && isObj(x) && getOwn(o, key) === getOwn(x, key));
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
export function strategicMerge(target: unknown, patch: unknown): unknown {
  return mergeObject(target, patch, typeOfObject(isObj(target) && target.kind !== undefined ? target : patch));
}

/** Strategic merge of `patch` into `target`, an object of type `t`. */
function mergeObject(target: unknown, patch: unknown, t: PatchType): unknown {
  if (!isObj(patch)) return clone(patch);
  const directive = getOwn(patch, '$patch');
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (directive === 'delete') return undefined;
  let out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = getOwn(out, field);
      if (Array.isArray(cur) && Array.isArray(v)) setOwn(out, field, cur.filter((x: unknown) => !v.includes(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const meta = fieldPatchMeta(t, k);
    const ft = fieldType(t, k);
    const cur = getOwn(out, k);
    if (Array.isArray(v)) {
      const key = meta.mergeKey;
      const given = getOwn(patch, `$setElementOrder/${k}`);
      const order = Array.isArray(given) ? given : undefined;
      if (key) setOwn(out, k, mergeList(Array.isArray(cur) ? cur : [], v, key, order, itemType(ft)));
      else if (meta.set && Array.isArray(cur)) setOwn(out, k, [...cur, ...v.filter((x) => !cur.includes(x))]);
      else setOwn(out, k, clone(v).filter((x: unknown) => !(isObj(x) && getOwn(x, '$patch'))));
    } else if (isObj(v) && meta.replace) {
      setOwn(out, k, clone(v));
    } else if (isObj(v)) {
      const merged = mergeObject(cur, v, ft);
      if (merged === undefined) delete out[k];
      else setOwn(out, k, merged);
    } else {
      setOwn(out, k, v);
    }
  }
  const retain = getOwn(patch, '$retainKeys');
  if (Array.isArray(retain)) {
    const keep = new Set<string>(retain);
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
export function threeWayPatch(original: unknown, modified: unknown, current: unknown): Obj {
  return diffObject(original, modified, current, typeOfObject(modified), false);
}

/** The three-way patch of an object of type `t`; `retainKeys` adds `$retainKeys` as kubectl does. */
function diffObject(original: unknown, modified: unknown, current: unknown, t: PatchType, retainKeys: boolean): Obj {
  const o = isObj(original) ? original : {};
  const m = isObj(modified) ? modified : {};
  const c = isObj(current) ? current : {};
  const patch: Obj = {};
  for (const k of Object.keys(o)) if (!hasOwn(m, k) && hasOwn(c, k)) setOwn(patch, k, null);
  for (const [k, mv] of Object.entries(m)) {
    const cv = getOwn(c, k);
    const ov = getOwn(o, k);
    const meta = fieldPatchMeta(t, k);
    const ft = fieldType(t, k);
    if (isObj(mv)) {
      // An object replaced whole is always sent (so kubectl reports such objects `configured`).
      if (!isObj(cv) || meta.replace) {
        setOwn(patch, k, clone(mv));
        continue;
      }
      const sub = diffObject(ov, mv, cv, ft, meta.retainKeys === true);
      if (Object.keys(sub).length > 0) setOwn(patch, k, sub);
    } else if (Array.isArray(mv)) {
      const key = meta.mergeKey;
      if (key && Array.isArray(cv) && mv.every(isObj)) {
        const items: unknown[] = [];
        const origItems: unknown[] = Array.isArray(ov) ? ov : [];
        const keyOf = (x: unknown) => (isObj(x) ? getOwn(x, key) : undefined);
        for (const oi of origItems) {
          if (isObj(oi) && !mv.some((x) => keyOf(x) === keyOf(oi)) && cv.some((x: unknown) => keyOf(x) === keyOf(oi))) items.push({ $patch: 'delete', [key]: keyOf(oi) });
        }
        for (const mi of mv) {
          const ci = cv.find((x: unknown) => isObj(x) && keyOf(x) === keyOf(mi));
          const oi = origItems.find((x: unknown) => isObj(x) && keyOf(x) === keyOf(mi));
          if (!ci) items.push(clone(mi));
          else {
            const sub = diffObject(oi, mi, ci, itemType(ft), meta.retainKeys === true);
            if (Object.keys(sub).length > 0) items.push({ ...sub, [key]: keyOf(mi) });
          }
        }
        const orderChanged = !jsonEqual(
          mv.map(keyOf),
          cv.filter((x: unknown) => mv.some((y) => keyOf(y) === keyOf(x))).map(keyOf),
        );
        if (items.length > 0 || orderChanged) {
          patch[`$setElementOrder/${k}`] = mv.map((x) => ({ [key]: keyOf(x) }));
          if (items.length > 0) setOwn(patch, k, items);
        }
      } else if (!jsonEqual(mv, cv)) {
        setOwn(patch, k, clone(mv));
      }
    } else if (!jsonEqual(mv, cv)) {
      setOwn(patch, k, mv);
    }
  }
  if (retainKeys) {
    // The keys to keep: those the manifest sets. Sent when anything changes, or when the live
    // object or the last applied one has a key the manifest lacks (the server then drops it).
    const keep = Object.keys(m).filter((k) => m[k] !== null && m[k] !== undefined);
    const extra = (x: Obj) => Object.keys(x).some((k) => x[k] !== null && !hasOwn(m, k));
    if (keep.length > 0 && (Object.keys(patch).length > 0 || extra(c) || extra(o))) patch.$retainKeys = keep.sort();
  }
  return patch;
}

/** The patch types of PATCH requests (server-side apply aside). */
export type PatchKind = 'json' | 'merge' | 'strategic';

/**
 * Applies a patch of a PATCH request's type to an object: what the apiserver, a version served by
 * conversion and `kubectl patch --local` all do. Throws PatchError (a merge patch that is no
 * object) and the errors of each patch type.
 */
export function applyPatch(type: PatchKind, target: unknown, patch: unknown): unknown {
  if (type === 'json') return jsonPatch(target, patch);
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new PatchError('patch must be a JSON object');
  return type === 'merge' ? mergePatch(target, patch) : strategicMerge(target, patch);
}
