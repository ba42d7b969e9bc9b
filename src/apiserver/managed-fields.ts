// Field ownership (metadata.managedFields), as server-side apply keeps it. A field path is a list
// of FieldsV1 segments: `f:name` for a field, `k:{"name":"nginx"}` for an item of a list merged
// by key, `v:"x"` for a member of a set, `.` for a keyed item itself. Pure functions: the
// apiserver records who set what on every write that names a field manager, and server-side apply
// uses the records to find conflicts and to remove fields a manager stopped applying.
import { jsonEqual } from '../api/equal.js';
import type { KubeObject } from '../api/types.js';
import { type PatchType, fieldPatchMeta, fieldType, itemType, typeOfObject } from '../api/patch-meta.js';
import { getOwn } from '../api/own-keys.js';

export type FieldPath = string[];

/** One managedFields entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A conflict: another manager owns a field the applier sets to a different value. */
export interface Conflict {
  manager: string;
  apiVersion: string;
  path: FieldPath;
}

/** Metadata the server owns: never part of anyone's field set. */
const SYSTEM_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const enc = (p: FieldPath) => JSON.stringify(p);
const dec = (s: string): FieldPath => JSON.parse(s);

/** The paths of every field an object (or an applied configuration) sets. `status` counts only for the status subresource. */
export function fieldPaths(obj: unknown, subresource?: string): Set<string> {
  const out = new Set<string>();
  if (!isObj(obj)) return out;
  const t = typeOfObject(obj);
  const metaType = fieldType(t, 'metadata');
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if ((k === 'status') !== (subresource === 'status')) continue;
    if (k === 'metadata') {
      if (!isObj(v)) continue;
      for (const [mk, mv] of Object.entries(v)) {
        if (SYSTEM_META.has(mk) || mv === undefined) continue;
        walk(mv, ['f:metadata', `f:${mk}`], metaType, mk, out);
      }
      continue;
    }
    walk(v, [`f:${k}`], t, k, out);
  }
  return out;
}

/** Adds the paths of field `field` (value `v`) of an object of type `parent`. */
function walk(v: unknown, path: FieldPath, parent: PatchType, field: string, out: Set<string>): void {
  if (v === undefined) return;
  const t = fieldType(parent, field);
  if (isObj(v) && Object.keys(v).length > 0) {
    for (const [k, child] of Object.entries(v)) walk(child, [...path, `f:${k}`], t, k, out);
    return;
  }
  if (Array.isArray(v)) {
    const meta = fieldPatchMeta(parent, field);
    if (meta.set && v.every((x) => !isObj(x))) {
      for (const x of v) out.add(enc([...path, `v:${JSON.stringify(x)}`]));
      return;
    }
    const key = meta.mergeKey;
    if (key && v.every((x) => isObj(x) && getOwn(x, key) !== undefined)) {
      for (const item of v as Record<string, unknown>[]) {
        const seg = `k:${JSON.stringify({ [key]: getOwn(item, key) })}`;
        out.add(enc([...path, seg, '.']));
        for (const [k, child] of Object.entries(item)) walk(child, [...path, seg, `f:${k}`], itemType(t), k, out);
      }
      return;
    }
  }
  out.add(enc(path)); // a scalar, an empty object or an atomic list
}

/** FieldsV1 (the nested form stored in managedFields) of a set of paths. */
export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  type Node = Record<string, unknown>;
  const root: Node = {};
  for (const s of paths) {
    let node = root;
    for (const seg of dec(s)) node = (getOwn(node, seg) as Node | undefined) ?? (node[seg] = {});
  }
  return root;
}

/** The paths of a FieldsV1 document. */
export function fromFieldsV1(f: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown, path: FieldPath) => {
    const entries = isObj(node) ? Object.entries(node) : [];
    if (entries.length === 0) {
      if (path.length) out.add(enc(path));
      return;
    }
    for (const [seg, child] of entries) visit(child, [...path, seg]);
  };
  visit(f, []);
  return out;
}

/** The value at a path (undefined when absent); for `.` the keyed item itself. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (seg === '.') return cur;
    if (seg.startsWith('f:')) cur = isObj(cur) ? getOwn(cur, seg.slice(2)) : undefined;
    else if (seg.startsWith('k:')) {
      const want = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      cur = Array.isArray(cur) ? cur.find((x) => isObj(x) && Object.entries(want).every(([k, v]) => getOwn(x, k) === v)) : undefined;
    } else if (seg.startsWith('v:')) {
      const want = JSON.parse(seg.slice(2));
      return Array.isArray(cur) && cur.includes(want) ? want : undefined;
    }
  }
  return cur;
}

/** Removes the field (or keyed item, or set member) at a path, in place; empty parents stay. */
export function removeAt(obj: unknown, path: FieldPath): void {
  const last = path[path.length - 1];
  if (last === '.') {
    const listPath = path.slice(0, -2);
    const list = valueAt(obj, listPath);
    const item = valueAt(obj, path.slice(0, -1));
    if (Array.isArray(list) && item !== undefined) list.splice(list.indexOf(item), 1);
    return;
  }
  const parent = valueAt(obj, path.slice(0, -1));
  if (last.startsWith('f:') && isObj(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('v:') && Array.isArray(parent)) {
    const i = parent.indexOf(JSON.parse(last.slice(2)));
    if (i >= 0) parent.splice(i, 1);
  }
}

/** `.spec.replicas`, `.spec.template.spec.containers[name="nginx"].image`: a path as Kubernetes prints it in conflicts. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (seg === '.') continue;
    if (seg.startsWith('f:')) out += `.${seg.slice(2)}`;
    else if (seg.startsWith('k:')) {
      const k = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      out += `[${Object.entries(k).map(([a, b]) => `${a}=${JSON.stringify(b)}`).join(',')}]`;
    } else if (seg.startsWith('v:')) out += `[=${seg.slice(2)}]`;
  }
  return out;
}


function entryPaths(e: ManagedFieldsEntry): Set<string> {
  return fromFieldsV1(e.fieldsV1);
}

function withPaths(e: ManagedFieldsEntry, paths: Set<string>): ManagedFieldsEntry {
  return { ...e, fieldsV1: toFieldsV1(paths) };
}

/**
 * Ownership after a write that is not an apply (create, update, patch) by `manager`: it owns the
 * fields it changed (all of them on create), and those fields leave other managers' sets.
 */
export function recordUpdate(entries: ManagedFieldsEntry[] | undefined, before: KubeObject | undefined, after: KubeObject, manager: string, time: string, subresource?: string): ManagedFieldsEntry[] {
  const afterPaths = fieldPaths(after, subresource);
  let changed: Set<string>;
  if (!before) changed = afterPaths;
  else {
    changed = new Set();
    const beforePaths = fieldPaths(before, subresource);
    for (const p of afterPaths) if (!beforePaths.has(p) || !jsonEqual(valueAt(before, dec(p)), valueAt(after, dec(p)))) changed.add(p);
  }
  const out: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const e of entries ?? []) {
    if (e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? '')) {
      mine = e;
      continue;
    }
    // Fields that changed, or no longer exist, leave the other managers (of the same part:
    // the object, or its status).
    const sameScope = (e.subresource ?? '') === (subresource ?? '');
    const kept = new Set([...entryPaths(e)].filter((p) => !sameScope || (!changed.has(p) && afterPaths.has(p))));
    if (kept.size) out.push(withPaths(e, kept));
  }
  const mineNow = new Set([...(mine ? entryPaths(mine) : []), ...changed].filter((p) => afterPaths.has(p)));
  if (changed.size === 0 && mine) out.push(mine);
  else if (mineNow.size) out.push({ manager, operation: 'Update', apiVersion: after.apiVersion ?? 'v1', time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(mineNow), ...(subresource ? { subresource } : {}) });
  return out;
}

/**
 * Server-side apply's bookkeeping: the conflicts of an applied configuration with the current
 * object, and (unless there are conflicts and no force) the new entries and the fields to remove
 * because this manager applied them before, no longer does, and nobody else owns them.
 */
export function planApply(entries: ManagedFieldsEntry[] | undefined, current: KubeObject | undefined, applied: KubeObject, manager: string, force: boolean, time: string): { conflicts: Conflict[]; entries: ManagedFieldsEntry[]; remove: FieldPath[] } {
  const appliedPaths = fieldPaths(applied);
  const conflicts: Conflict[] = [];
  const others: ManagedFieldsEntry[] = [];
  let previous = new Set<string>();
  for (const e of entries ?? []) {
    if (e.subresource) {
      others.push(e);
      continue;
    }
    if (e.manager === manager && e.operation === 'Apply') {
      previous = entryPaths(e);
      continue;
    }
    let owned = entryPaths(e);
    const lost: string[] = [];
    for (const p of appliedPaths) {
      if (!owned.has(p) || p.endsWith('"."]')) continue;
      const path = dec(p);
      if (!jsonEqual(valueAt(current, path), valueAt(applied, path))) {
        if (e.manager === manager) lost.push(p); // the same manager's own updates never conflict
        else if (force) lost.push(p);
        else conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path });
      }
    }
    if (lost.length) owned = new Set([...owned].filter((p) => !lost.includes(p)));
    if (owned.size) others.push(withPaths(e, owned));
  }
  const ownedByOthers = new Set<string>();
  for (const e of others) for (const p of entryPaths(e)) ownedByOthers.add(p);
  const remove = [...previous].filter((p) => !appliedPaths.has(p) && !ownedByOthers.has(p)).map(dec);
  const mine: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion: applied.apiVersion ?? 'v1', time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(appliedPaths) };
  return { conflicts, entries: [...others, mine], remove };
}

/** Kubernetes' conflict message: `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`. */
export function conflictMessage(conflicts: Conflict[]): string {
  const n = conflicts.length;
  const head = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: `;
  if (n === 1) return `${head}conflict with "${conflicts[0].manager}" using ${conflicts[0].apiVersion}: ${formatPath(conflicts[0].path)}`;
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) byManager.set(`${c.manager}|${c.apiVersion}`, [...(byManager.get(`${c.manager}|${c.apiVersion}`) ?? []), c]);
  return (
    head +
    [...byManager.values()]
      .map((cs) => `conflicts with "${cs[0].manager}" using ${cs[0].apiVersion}:\n${cs.map((c) => `- ${formatPath(c.path)}`).join('\n')}`)
      .join('\n')
  );
}
