// The API as in-process calls: get, list, watch, create, update, patch, delete and
// deletecollection for every served resource, with admission (defaults, validation, namespace
// lifecycle), the per-kind strategy and dry runs. The HTTP server and the control loop both go
// through it; it is the only code that touches the store.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../api/clock.js';
import { rfc3339 } from '../api/duration.js';
import { FieldSelectorError, fieldMatcher, parseFieldSelector } from '../api/fields.js';
import { SelectorParseError, matches, parseSelector } from '../api/labels.js';
import { PatchApplyError, PatchError, PatchTooLarge, type PatchKind, applyPatch, mergePatch } from '../api/patch.js';
import { type ResourceInfo, type ResourceCatalog, BUILTIN, groupVersion, qualifiedPlural, resourceNamed } from '../api/resources.js';
import { catalogWith } from '../api/custom-resources.js';
import { checkMetadata, checkSchema } from '../api/schema.js';
import { prune } from '../api/structural.js';
import { defaultObject } from '../api/defaults.js';
import { jsonEqual } from '../api/equal.js';
import type { CustomResourceDefinition, KubeList, KubeObject, Pod, Service } from '../api/types.js';
import { validateCreate, validateUpdate } from '../api/validation/index.js';
import { validateObjectMeta } from '../api/validation/meta.js';
import type { ObjectStore, Unchanged } from '../store/backend.js';
import { type Change, StoreError } from '../store/store.js';

// What the layers above may know of the store: its errors (a write over etcd can fail as it
// commits) and the fence a transaction can carry.
export { StoreError, type Unchanged };
import { ServiceAllocator } from './allocators.js';
import * as E from './errors.js';
import * as admission from './admission/index.js';
import { Interner } from './interner.js';
import { MAX_OBJECT_DEPTH, measureValue, tooDeep } from './request.js';
import { type ManagedFieldsEntry, recordUpdate } from './managed-fields.js';
import { StatusError } from './errors.js';
import { prepareForCreate, prepareForStatusUpdate, prepareForUpdate, strategyFor } from './strategies/index.js';

export type { Change };

/** How unknown fields in a request body are treated (`?fieldValidation=`). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Options common to writes. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  subresource?: 'status';
  /** Warnings for the client (the HTTP layer sends them as `Warning:` headers). */
  warnings?: string[];
  /**
   * The body belongs to this call (freshly decoded from a request or a manifest): admission may
   * use it as the stored object instead of copying it first.
   */
  owned?: boolean;
}

/** Options of a list or watch. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Most items in one page (a list only); 0 or absent: all. */
  limit?: number;
  /** The token of the previous page's `metadata.continue`. */
  continue?: string;
}

/** What a continue token carries, as the apiserver's: the list's revision and the key after the last item. */
interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

/** A continue token for the page after the item at (namespace, name), at revision `rv`. */
function encodeContinue(rv: number, namespace: string, name: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: `${namespace ? namespace + '/' : ''}${name}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** Decodes a continue token; 400 when it is not one this server made. */
function decodeContinue(value: string): { rv: number; namespace: string; name: string } {
  const bad = (why: string) => E.badRequest(`invalid continue token: continue key is not valid: ${why}`);
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) throw bad('illegal base64 data');
  let t: Partial<ContinueToken>;
  try {
    t = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw bad('the token is not JSON');
  }
  if (!t || typeof t !== 'object' || t.v !== 'meta.k8s.io/v1') throw bad(`server does not recognize this encoded version ${JSON.stringify((t as { v?: unknown })?.v ?? '')}`);
  if (!Number.isSafeInteger(t.rv) || t.rv! <= 0) throw bad('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof t.start !== 'string' || !t.start.endsWith('\u0000') || t.start.length < 2) throw bad('the start key is missing');
  const key = t.start.slice(0, -1);
  const slash = key.indexOf('/');
  return { rv: t.rv!, namespace: slash < 0 ? '' : key.slice(0, slash), name: slash < 0 ? key : key.slice(slash + 1) };
}

/** Message of the 410 for a continue token whose revision was compacted, as the apiserver words it. */
const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Options of a delete (metav1.DeleteOptions). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** The patch content types the API accepts. */
export type PatchType = PatchKind;

/** A watch event as the registry delivers it. */
export interface RegistryEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** Largest object the store accepts, like etcd's request limit. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The Status for a patch that failed: 413 too many operations, 422 does not apply, 400 malformed. */
export function patchFailure(e: unknown): unknown {
  if (e instanceof PatchTooLarge) return E.tooLarge(e.message);
  if (e instanceof PatchApplyError) return E.unprocessable(e.message);
  if (e instanceof PatchError) return E.badRequest(e.message);
  return e;
}

/** The store key of a resource: `pods`, `deployments.apps`. */
export const storeKey = qualifiedPlural;

const CRD_KEY = storeKey(resourceNamed('customresourcedefinitions'));

/** The API, in process. */
export class Registry {
  /** Shares identical parts of pods made from one template (stored objects are never mutated). */
  private interner = new Interner();
  /** Cluster IPs and node ports, for the kinds whose strategy allocates them (Services). */
  private addresses: ServiceAllocator;
  /** The served resources, and the CRD writes (and undos) they were derived at. */
  private catalog: ResourceCatalog = BUILTIN;
  private catalogWrites = -1;
  private catalogRewinds = 0;

  constructor(
    private readonly store: ObjectStore,
    readonly clock: Clock,
    private random: () => number = Math.random,
  ) {
    this.addresses = new ServiceAllocator({ writeCount: () => store.writeCount('services'), services: () => store.list('services') as Service[] }, random);
  }

  /**
   * The resources served now: the built-in ones and those of every CustomResourceDefinition
   * whose names are accepted. Derived from the stored CRDs whenever they change (within a
   * transaction too: a custom object can be created right after its CRD).
   */
  get resources(): ResourceCatalog {
    const writes = this.store.writeCount(CRD_KEY);
    const rewinds = this.store.rewindCount;
    if (writes !== this.catalogWrites || rewinds !== this.catalogRewinds) {
      const crds = this.store.values(CRD_KEY) as Iterable<CustomResourceDefinition>;
      this.catalog = catalogWith(crds);
      this.catalogWrites = writes;
      this.catalogRewinds = rewinds;
    }
    return this.catalog;
  }

  /**
   * An object as a version of its resource shows it: a custom object read through a served
   * version other than its storage version differs only in apiVersion (conversion strategy
   * None); everything else as stored.
   */
  inVersion<O extends KubeObject>(r: ResourceInfo, o: O): O {
    if (!r.custom || r.version === r.custom.storageVersion || o.apiVersion !== groupVersion({ group: r.group, version: r.custom.storageVersion })) return o;
    return { ...o, apiVersion: groupVersion(r) };
  }

  // ---- transactions, revisions and changes (what components and the server see of the store) ----

  /** Runs `fn` as one transaction: its writes commit together (one SQLite commit) or not at all. */
  transaction<T>(fn: () => T, opts?: { unchanged?: Unchanged[] }): T {
    return this.store.transaction(fn, opts);
  }

  /** Sends writes that wait for a batch to the store now (etcd with group commit; see ObjectStore.flush). */
  flush(): void {
    this.store.flush();
  }

  /** Resolves when the writes so far are committed; undefined when nothing waits (an answer to a client waits for it). */
  settled(): Promise<void> | undefined {
    return this.store.settled();
  }

  /**
   * Inside a transaction: runs `fn` so that if it throws only its own writes are undone and the
   * transaction goes on (a savepoint). The control loop runs each component as one.
   */
  savepoint<T>(fn: () => T): T {
    return this.store.savepoint(fn);
  }

  /** The newest resourceVersion written. */
  get revision(): number {
    return this.store.revision;
  }

  /** This process's position in its sequence of changes (see ObjectStore.cursor): what changesAfter reads from. */
  get cursor(): number {
    return this.store.cursor;
  }

  /**
   * A number that moves with every write to a resource (store key, as `deployments.apps`): a
   * component that derived something from a resource's objects can tell it is still current.
   */
  writeCount(resource: ResourceInfo | string): number {
    return this.store.writeCount(typeof resource === 'string' ? resource : storeKey(resource));
  }

  /** Moves whenever ownership may have changed (deletes, deletion marks, owned creates): the garbage collector's cue. */
  get ownershipEpoch(): number {
    return this.store.ownershipEpoch;
  }

  /** Calls `listener` with every committed transaction's changes; returns the unsubscribe. */
  subscribe(listener: (changes: Change[]) => void): () => void {
    return this.store.subscribe(listener);
  }

  /** Committed changes after `rev` (Compacted when history no longer reaches back that far). */
  changesSince(rev: number): Change[] {
    return this.store.changesSince(rev);
  }

  /**
   * Changes after `cursor` including the open transaction's writes (a control-loop component's
   * view); undefined when history no longer reaches back that far.
   */
  changesAfter(cursor: number): Change[] | undefined {
    try {
      return this.store.changesAfter(cursor);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'Compacted') return undefined;
      throw e;
    }
  }

  /** Moves whenever writes are undone: revisions after the undo point are reused, so changes read before are void. */
  get rewindCount(): number {
    return this.store.rewindCount;
  }

  /** Forgets change history up to `rev` (the daemon keeps a few minutes of it for watches). */
  compact(rev: number): void {
    this.store.compact(rev);
  }

  // ---- reads ----

  /**
   * Every object of a resource (or of one namespace), in creation order and without copying (a
   * lister for controllers that scan all of them each pass; the scheduler's queue order). The
   * objects must not be mutated.
   */
  scan<O extends KubeObject>(r: ResourceInfo<O>, namespace?: string): Iterable<O> {
    return this.store.values(storeKey(r), namespace) as Iterable<O>;
  }

  /** How many objects of a resource exist (cheap for resources held in memory). */
  count(r: ResourceInfo): number {
    return this.store.count(storeKey(r));
  }

  /** One object; NotFound when absent. */
  get<O extends KubeObject>(r: ResourceInfo<O>, namespace: string, name: string): O {
    const o = this.store.get(storeKey(r), r.namespaced ? namespace : '', name);
    if (!o) throw E.notFound(r, name);
    return o as O;
  }

  /** Like get, but undefined when absent. */
  find<O extends KubeObject>(r: ResourceInfo<O>, namespace: string, name: string): O | undefined {
    return this.store.get(storeKey(r), r.namespaced ? namespace : '', name) as O | undefined;
  }

  /** A predicate for label and field selectors; BadRequest when they do not parse. */
  filter(r: ResourceInfo, opts: ListOptions): (o: KubeObject) => boolean {
    try {
      const sel = parseSelector(opts.labelSelector ?? '');
      const fields = fieldMatcher(r.kind, parseFieldSelector(opts.fieldSelector ?? ''));
      return (o) => (sel.length === 0 || matches(sel, o.metadata.labels)) && fields(o);
    } catch (e) {
      if (e instanceof SelectorParseError || e instanceof FieldSelectorError) throw E.badRequest(e.message);
      throw e;
    }
  }

  /**
   * A list, in one namespace or all (namespace undefined), as `<Kind>List`, in key order. With
   * `limit`, one page and a `metadata.continue` token for the next; a continued page starts after
   * the token's key. (Kubernetes reads every page at the first page's revision; minik keeps no
   * snapshots, so later pages read the objects as they are now, in the same key order.)
   */
  list<O extends KubeObject>(r: ResourceInfo<O>, namespace: string | undefined, opts: ListOptions = {}): KubeList<O> {
    const keep = this.filter(r, opts);
    const from = opts.continue ? decodeContinue(opts.continue) : undefined;
    if (from && from.rv <= this.store.compacted) throw E.gone(CONTINUE_EXPIRED);
    const all = this.store.list(storeKey(r), r.namespaced ? namespace : undefined);
    let i = 0;
    if (from) {
      // The first object after (namespace, name): the list is sorted by namespace, then name.
      const after = (o: KubeObject) => {
        const ns = o.metadata.namespace ?? '';
        return ns !== from.namespace ? ns > from.namespace : o.metadata.name! > from.name;
      };
      let hi = all.length;
      while (i < hi) {
        const mid = (i + hi) >> 1;
        if (after(all[mid])) hi = mid;
        else i = mid + 1;
      }
    }
    const rv = from ? from.rv : this.store.revision;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KubeObject[] = [];
    for (; i < all.length && items.length < limit; i++) if (keep(all[i])) items.push(all[i]);
    const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
    let more = false;
    for (let j = i; j < all.length && !more; j++) more = keep(all[j]);
    if (more) {
      const last = items[items.length - 1];
      metadata.continue = encodeContinue(rv, last.metadata.namespace ?? '', last.metadata.name!);
      // The apiserver counts what remains only when no selector makes counting a scan.
      if (!opts.labelSelector && !opts.fieldSelector) metadata.remainingItemCount = all.length - i;
    }
    return { apiVersion: groupVersion(r), kind: `${r.kind}List`, metadata, items: items as O[] };
  }

  /**
   * Watches a resource from `resourceVersion` (replaying later changes from the change log), or,
   * when it is empty or "0", from now after synthetic ADDED events for what exists. Gone (410)
   * when that revision was compacted. Returns a function that stops the watch.
   */
  watch(r: ResourceInfo, namespace: string | undefined, opts: ListOptions & { resourceVersion?: string }, send: (e: RegistryEvent) => void): () => void {
    const keep = this.filter(r, opts);
    const key = storeKey(r);
    const inScope = (c: Change) => c.resource === key && (namespace === undefined || !r.namespaced || c.namespace === namespace);
    const matched = new Set<string>();
    const deliver = (c: Change) => {
      if (!inScope(c)) return;
      const id = `${c.namespace}/${c.name}`;
      const now = keep(c.object);
      const before = matched.has(id);
      if (c.type === 'DELETED') {
        if (before || now) send({ type: 'DELETED', object: c.object });
        matched.delete(id);
      } else if (now) {
        matched.add(id);
        send({ type: before ? 'MODIFIED' : 'ADDED', object: c.object });
      } else if (before) {
        matched.delete(id);
        send({ type: 'DELETED', object: c.object });
      }
    };
    const rv = opts.resourceVersion;
    const current = this.store.list(key, r.namespaced ? namespace : undefined).filter(keep);
    if (!rv || rv === '0') {
      for (const o of current) send({ type: 'ADDED', object: o });
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) throw E.badRequest(`invalid resource version: ${rv}`);
      let replay: Change[];
      try {
        replay = this.store.changesSince(from);
      } catch (e) {
        if (e instanceof StoreError && e.code === 'Compacted') throw E.gone(e.message);
        throw e;
      }
      // History is replayed with the types it was written with; selectors filter each version.
      for (const c of replay) if (inScope(c) && keep(c.object)) send({ type: c.type, object: c.object });
    }
    for (const o of current) matched.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    return this.store.subscribe((changes) => changes.forEach(deliver));
  }

  // ---- writes ----

  /** Decodes a request body for a resource: kind/apiVersion, types and unknown fields. */
  /** `small`: the object's size bound (with room for defaults and metadata) is far below the limit, so creating it needs no serialised size check. */
  private decode(r: ResourceInfo, body: unknown, opts: WriteOptions): { object: KubeObject; small: boolean } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw E.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: the body is not an object`);
    const o = body as KubeObject;
    const gv = groupVersion(r);
    if (o.apiVersion !== undefined && o.apiVersion !== gv) {
      throw E.badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${gv})`);
    }
    if (o.kind !== undefined && o.kind !== r.kind) {
      throw E.badRequest(`${o.kind} in version "${r.version}" cannot be handled as a ${r.kind}: no kind "${o.kind}" is registered for version "${gv}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`);
    }
    // Before any recursive walk: a patch can nest an object deeper than its own body is.
    const measured = measureValue(o);
    if (measured.depth > MAX_OBJECT_DEPTH) throw tooDeep(`${r.kind} "${o.metadata?.name ?? ''}"`);
    // A custom object: its metadata is ObjectMeta, the rest is pruned to its CRD's schema (what
    // pruning drops is what strict decoding calls unknown).
    const problems = r.custom ? checkMetadata(r.kind, o.metadata) : checkSchema(r.kind, o, gv);
    if (problems.typeError) throw E.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${problems.typeError}`);
    const copy: KubeObject = opts.owned ? o : structuredClone(o);
    if (r.custom) problems.unknownFields = prune(r.custom.schema, copy);
    if (problems.unknownFields.length > 0) {
      const list = problems.unknownFields.map((f) => `unknown field "${f}"`);
      if (opts.fieldValidation === 'Strict') throw E.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${list.join(', ')}`);
      if (opts.fieldValidation !== 'Ignore') opts.warnings?.push(...list);
    }
    // Custom objects are stored in their CRD's storage version, whichever version was asked.
    copy.apiVersion = r.custom ? groupVersion({ group: r.group, version: r.custom.storageVersion }) : gv;
    copy.kind = r.kind;
    copy.metadata = copy.metadata && typeof copy.metadata === 'object' ? copy.metadata : {};
    return { object: copy, small: measured.sizeBound <= MAX_OBJECT_BYTES / 2 };
  }

  private checkSize(r: ResourceInfo, o: KubeObject): void {
    if (JSON.stringify(o).length > MAX_OBJECT_BYTES) throw E.tooLarge(`${qualifiedPlural(r)} "${o.metadata.name}" is too large: etcdserver: request is too large`);
  }

  /** `prefix` and five random characters of the API's safe alphabet (names.SimpleNameGenerator). */
  generateName(prefix: string): string {
    let s = '';
    for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(this.random() * GENERATE_CHARS.length)];
    return `${prefix}${s}`;
  }

  private invalidIfErrors(r: ResourceInfo, o: KubeObject, errs: ReturnType<typeof validateCreate>): void {
    if (errs.length > 0) throw E.invalid(r, o.metadata.name ?? o.metadata.generateName ?? '', errs);
  }

  /** Creates an object (POST): decodes the body, then admits and stores it. */
  create(r: ResourceInfo, namespace: string, body: unknown, opts: WriteOptions = {}): KubeObject {
    const { object, small } = this.decode(r, body, opts);
    // Most objects are provably far below the size limit: only the others are serialised to check.
    return this.admitCreate(r, namespace, object, opts, false, small);
  }

  /**
   * Creates an object built by a trusted in-process component (a controller's pod, a recorder's
   * Event): the same admission as create() (system metadata, defaults, validation, namespace
   * lifecycle, allocation), without decoding a client body. The object is taken over, not copied.
   */
  createTrusted<O extends KubeObject>(r: ResourceInfo<O>, namespace: string, o: O): O {
    o.apiVersion = groupVersion(r);
    o.kind = r.kind;
    return this.admitCreate(r, namespace, o, {}, true) as O;
  }

  /**
   * `trusted`: built by a component from objects already admitted (a template), so its size is
   * bounded. `small`: decoding proved it far below the size limit.
   */
  private admitCreate(r: ResourceInfo, namespace: string, o: KubeObject, opts: WriteOptions, trusted = false, small = false): KubeObject {
    if (r.custom?.terminating) throw E.terminatingCRD('create');
    const m = o.metadata;
    if (r.namespaced) {
      if (m.namespace && m.namespace !== namespace) throw E.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      m.namespace = namespace;
    } else delete m.namespace;
    if (m.resourceVersion) throw E.badRequest('resourceVersion should not be set on objects to be created');
    // Mutating admission sees the name as asked for (a generateName prefix: `pods "web-7d9c5-" is
    // forbidden`, as the apiserver words it); the name is generated before validation, which sees it.
    const asked = m.name || m.generateName || '';
    if (!m.name && m.generateName) m.name = this.generateName(m.generateName);
    const name = m.name ?? '';
    m.uid = randomUUID();
    m.creationTimestamp = rfc3339(this.clock.now());
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    const strategy = strategyFor(r);
    prepareForCreate(r, o);
    defaultObject(r, o);
    const attributes: admission.AdmissionAttributes = { reg: this, r, namespace, name, operation: 'CREATE', dryRun: opts.dryRun, warnings: opts.warnings };
    admission.mutate({ ...attributes, name: asked }, o);
    this.invalidIfErrors(r, o, validateCreate(r, o));
    admission.validate(attributes, o);
    // A trusted create leaves this check to the store (one lookup instead of two: Events are read from SQLite).
    if (!trusted && this.find(r, namespace, name)) throw E.alreadyExists(r, name);
    // Only the Service strategy allocates addresses.
    if (strategy.allocatesAddresses && o.spec) this.addresses.allocate(r, o as Service);
    if (opts.fieldManager) o.metadata.managedFields = recordUpdate(undefined, undefined, o, opts.fieldManager, m.creationTimestamp);
    if (!trusted && !small) this.checkSize(r, o);
    if (opts.dryRun) return o;
    if (strategy.internsParts) this.interner.pod(o as Pod); // only the Pod strategy interns
    try {
      if (!strategy.allocatesAddresses) return this.store.create(storeKey(r), o);
      return this.addresses.recordCreate(() => this.store.create(storeKey(r), o) as Service);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'AlreadyExists') throw E.alreadyExists(r, name);
      throw e;
    }
  }

  /** Replaces an object (PUT), or its status with `subresource: 'status'`. */
  update(r: ResourceInfo, namespace: string, name: string, body: unknown, opts: WriteOptions = {}): KubeObject {
    const o = this.decode(r, body, opts).object;
    if (o.metadata.name !== undefined && o.metadata.name !== name) throw E.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`);
    if (r.namespaced && o.metadata.namespace && o.metadata.namespace !== namespace)
      throw E.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    o.metadata.name = name;
    if (r.namespaced) o.metadata.namespace = namespace;
    return this.commitUpdate(r, namespace, name, o, opts, o.metadata.resourceVersion || undefined);
  }

  /** Applies a patch of the given type (PATCH), to the object or its status. */
  patch(r: ResourceInfo, namespace: string, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}): KubeObject {
    // A custom object is patched as the requested version shows it.
    const cur = this.inVersion(r, this.get(r, namespace, name));
    let next: unknown;
    try {
      next = applyPatch(type, cur, patch);
    } catch (e) {
      throw patchFailure(e);
    }
    const o = this.decode(r, next, opts).object;
    if (o.metadata.name !== name) throw E.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`);
    if (r.namespaced) o.metadata.namespace = namespace;
    // A patch that carries a resourceVersion is a precondition; one without never conflicts.
    const rv = (patch as KubeObject)?.metadata?.resourceVersion;
    return this.commitUpdate(r, namespace, name, o, opts, typeof rv === 'string' && rv ? rv : undefined);
  }

  /**
   * A merge patch from a trusted in-process component (a controller's scale, adoption or
   * annotation): the same update admission as PATCH (defaults, generation, validation, the
   * finalizer rule, size), without decoding the result as a client body. The merge copies only
   * the paths the patch touches and shares the rest with the stored object, which admission
   * leaves unchanged (stored objects already have their defaults).
   */
  patchTrusted<O extends KubeObject>(r: ResourceInfo<O>, namespace: string, name: string, patch: Record<string, unknown>): O {
    const cur = this.get(r, namespace, name);
    const next = mergePatch(cur, patch) as KubeObject;
    next.metadata = { ...next.metadata, name };
    if (r.namespaced) next.metadata.namespace = namespace;
    return this.commitUpdate(r, namespace, name, next, {}, undefined, true) as O;
  }

  /**
   * A replacement built by a trusted in-process component from the stored object (the endpoints
   * controller's addresses): update admission as PUT, without decoding. `o` is taken over; its
   * metadata is copied, so it may share any part with the stored object.
   */
  updateTrusted<O extends KubeObject>(r: ResourceInfo<O>, o: O): O {
    const namespace = r.namespaced ? (o.metadata.namespace ?? '') : '';
    o.apiVersion = groupVersion(r);
    o.kind = r.kind;
    o.metadata = { ...o.metadata };
    return this.commitUpdate(r, namespace, o.metadata.name!, o, {}, undefined, true) as O;
  }

  /**
   * `trusted`: written by an in-process component from objects already admitted, so (as for a
   * trusted create) it is not serialised to check etcd's request size: what it writes (a status,
   * a scale, addresses of at most 1,000 pods) is bounded by what was admitted.
   */
  private commitUpdate(r: ResourceInfo, namespace: string, name: string, o: KubeObject, opts: WriteOptions, expectedRv: string | undefined, trusted = false): KubeObject {
    const old = this.get(r, namespace, name);
    if (expectedRv !== undefined && expectedRv !== old.metadata.resourceVersion) throw E.conflict(r, name);
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = prepareForStatusUpdate(r, o, old);
      this.invalidIfErrors(r, next, validateObjectMeta(r.kind, r.namespaced, next.metadata));
    } else {
      next = o;
      // Defaults first, so that generation compares the spec as it will be stored.
      defaultObject(r, next);
      prepareForUpdate(r, next, old);
      const attributes: admission.AdmissionAttributes = { reg: this, r, namespace, name, operation: 'UPDATE', old, dryRun: opts.dryRun, warnings: opts.warnings };
      admission.mutate(attributes, next);
      this.invalidIfErrors(r, next, validateUpdate(r, next, old));
      admission.validate(attributes, next);
      if (old.metadata.deletionTimestamp) {
        const added = (next.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
        if (added.length > 0)
          throw E.invalid(r, name, [{ type: 'Forbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` }]);
      }
      if (strategyFor(r).allocatesAddresses && next.spec) this.addresses.allocate(r, next as Service);
    }
    next.metadata = { ...next.metadata }; // a status write shares the stored object's metadata: never mutate it
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (!next.metadata.finalizers?.length) delete next.metadata.finalizers;
    // Field ownership: kept when the request leaves it out; the writer, if it names itself, owns what it changed.
    if (next.metadata.managedFields === undefined && old.metadata.managedFields) next.metadata.managedFields = old.metadata.managedFields;
    if (opts.fieldManager) {
      const entries = recordUpdate(next.metadata.managedFields as ManagedFieldsEntry[] | undefined, old, next, opts.fieldManager, rfc3339(this.clock.now()), opts.subresource);
      if (entries.length) next.metadata.managedFields = entries;
      else delete next.metadata.managedFields;
    }
    if (!trusted) this.checkSize(r, next);
    // A no-op update is not written: the resourceVersion stays, so clients see "no change".
    if (jsonEqual(next, old)) return old;
    if (opts.dryRun) return next;
    // A namespace also waits for its spec.finalizers (`kubernetes`), which the namespace controller removes.
    const specFinalizers = strategyFor(r).specFinalizers?.(next) ?? 0;
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length && specFinalizers === 0 && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0) {
      return this.store.delete(storeKey(r), r.namespaced ? namespace : '', name);
    }
    return this.store.update(storeKey(r), next);
  }

  /**
   * Deletes an object. Objects with finalizers (including those the propagation policy adds)
   * and pods still running on a node are only marked (deletionTimestamp) and returned with
   * `deleted: false`; the rest are removed at once.
   */
  delete(r: ResourceInfo, namespace: string, name: string, opts: DeleteOptions = {}): { object: KubeObject; deleted: boolean } {
    const cur = this.get(r, namespace, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== cur.metadata.uid)
      throw E.conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
    if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion)
      throw E.conflict(r, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
    const ns = r.namespaced ? namespace : '';
    const now = this.clock.now();
    const finalizers = [...(cur.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy ?? 'Background';
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');

    const strategy = strategyFor(r);
    const grace = strategy.gracePeriod?.(cur, opts.gracePeriodSeconds) ?? 0;
    if (strategy.markDeleted) {
      if (cur.metadata.deletionTimestamp) return { object: cur, deleted: false };
      const next = strategy.markDeleted(cur, finalizers, rfc3339(now));
      if (opts.dryRun) return { object: next, deleted: false };
      return { object: this.store.update(storeKey(r), next), deleted: false };
    }
    if (finalizers.length === 0 && grace === 0) {
      if (opts.dryRun) return { object: cur, deleted: true };
      return { object: this.store.delete(storeKey(r), ns, name), deleted: true };
    }
    if (cur.metadata.deletionTimestamp) {
      // Already terminating: a shorter grace period shortens it, and a policy can add its finalizer.
      const curGrace = cur.metadata.deletionGracePeriodSeconds ?? 0;
      const shorter = !!strategy.gracePeriod && opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < curGrace;
      const newFinalizers = finalizers.length !== (cur.metadata.finalizers ?? []).length;
      if (!shorter && !newFinalizers) return { object: cur, deleted: false };
      if (shorter && opts.gracePeriodSeconds === 0 && finalizers.length === 0) return { object: this.store.delete(storeKey(r), ns, name), deleted: true };
      const next: KubeObject = {
        ...cur,
        metadata: {
          ...cur.metadata,
          finalizers,
          ...(shorter ? { deletionGracePeriodSeconds: opts.gracePeriodSeconds, deletionTimestamp: rfc3339(now + opts.gracePeriodSeconds! * 1000) } : {}),
        },
      };
      if (opts.dryRun) return { object: next, deleted: false };
      return { object: this.store.update(storeKey(r), next), deleted: false };
    }
    const next: KubeObject = {
      ...cur,
      metadata: {
        ...cur.metadata,
        deletionTimestamp: rfc3339(now + grace * 1000),
        deletionGracePeriodSeconds: grace,
        ...(finalizers.length ? { finalizers } : {}),
      },
    };
    if (r.tracksGeneration) next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    if (opts.dryRun) return { object: next, deleted: false };
    return { object: this.store.update(storeKey(r), next), deleted: false };
  }

  /**
   * Writes an object's status for a trusted in-process component (scheduler, controllers,
   * kubelets). The status is built by minik itself, so it skips request decoding (the clone and
   * schema walk of a client body); otherwise it is PUT .../status: spec and metadata stay as
   * stored, a no-op writes nothing, and the write gets a new resourceVersion and a watch event.
   */
  writeStatus<O extends KubeObject>(r: ResourceInfo<O>, namespace: string, name: string, status: O['status'], annotations?: Record<string, string>): O {
    const old = this.get(r, namespace, name);
    // `annotations`: with the status, where the kind's status strategy takes them (a Deployment's revision).
    if (annotations && !strategyFor(r).statusTakesAnnotations) throw new Error(`${r.kind} status does not take annotations`);
    const metadata = annotations && !jsonEqual(annotations, old.metadata.annotations) ? { ...old.metadata, annotations } : old.metadata;
    // Nothing to write when it is the same (an absent status and an empty one are the same):
    // callers need not compare first.
    if (metadata === old.metadata && jsonEqual(old.status ?? {}, status ?? {})) return old;
    return this.store.update(storeKey(r), { ...old, metadata, status }) as O;
  }

  /**
   * A write through a subresource the kind's strategy defines (a pod's `binding`, a namespace's
   * `finalize`): the strategy turns the stored object and the body into the object to store; an
   * object left marked for deletion with no finalizers of either kind is deleted. 404 for a
   * subresource the kind does not have.
   */
  writeSubresource<O extends KubeObject>(r: ResourceInfo<O>, namespace: string, name: string, subresource: string, body: unknown, opts: { dryRun?: boolean } = {}): O {
    const strategy = strategyFor(r);
    const cur = this.get(r, namespace, name);
    const next = strategy.writeSubresource?.(subresource, cur, body, { now: rfc3339(this.clock.now()) }) as O | undefined;
    if (!next) throw E.notFoundPath();
    // A strategy returns the stored object itself when the write changes nothing (no deep compare:
    // the scheduler binds every pod through here).
    if (opts.dryRun || next === cur) return next;
    const ns = r.namespaced ? namespace : '';
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length && (strategy.specFinalizers?.(next) ?? 0) === 0 && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0) {
      return this.store.delete(storeKey(r), ns, name) as O;
    }
    return this.store.update(storeKey(r), next) as O;
  }

  /** Deletes every object matching the selectors in a namespace (or all); returns what was deleted or marked. */
  deleteCollection(r: ResourceInfo, namespace: string | undefined, list: ListOptions, opts: DeleteOptions = {}): KubeObject[] {
    const items = this.list(r, namespace, list).items;
    const out: KubeObject[] = [];
    this.store.transaction(() => {
      for (const o of items) {
        try {
          out.push(this.delete(r, o.metadata.namespace ?? '', o.metadata.name!, opts).object);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
    });
    return out;
  }
}
