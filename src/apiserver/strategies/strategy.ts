// What the apiserver does differently per kind (Kubernetes' registry strategies,
// pkg/registry/<group>/<kind>/strategy.go), as one object per kind: the status a new object starts
// with, what create and update set or carry over, how /status writes are taken, and how a delete
// goes. The registry stays generic: it asks `strategyFor(resource)` and never branches on a kind.
import { semanticEqual } from '../../api/equal.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { Kinds, KubeObject } from '../../api/types.js';

/**
 * The per-kind rules, for objects of type `O`. Every hook is optional: absent, the generic
 * behaviour applies. Hooks are methods, so that a kind's strategy joins the table of all kinds.
 */
export interface Strategy<O extends KubeObject = KubeObject> {
  /**
   * The status a created object starts with. Absent: `{}` for kinds with a status subresource
   * (what a client sent is dropped), the client's for the rest.
   */
  initialStatus?(o: O): unknown;
  /** Keeps the status the client sent on create (kinds whose status is theirs to set: Node, Event, volumes). */
  readonly keepsStatusOnCreate?: boolean;
  /** Kind-specific fields a create sets or clears, after system metadata, before defaults. */
  prepareForCreate?(o: O): void;
  /** Kind-specific fields an update (not /status) rewrites or carries over from the stored object. */
  prepareForUpdate?(o: O, old: O): void;
  /** An update of the main resource may also set status (Node: its kubelet writes both). */
  readonly updateTakesStatus?: boolean;
  /** A /status write also takes the writer's annotations (the status strategy resets only spec and labels). */
  readonly statusTakesAnnotations?: boolean;
  /** Holds cluster-wide allocations (a Service's cluster IP and node ports), made by the registry's allocators. */
  readonly allocatesAddresses?: boolean;
  /** Objects made in great numbers from one template (pods): the registry shares their identical parts. */
  readonly internsParts?: boolean;
  /** Finalizers in the spec that keep a deleted object until they are gone (a Namespace's `kubernetes`). */
  specFinalizers?(o: O): number;
  /** Seconds a delete waits for the object to stop (a pod's graceful termination); absent: 0. */
  gracePeriod?(cur: O, requested: number | undefined): number;
  /**
   * A delete that only marks the object, whatever its finalizers (a Namespace turns Terminating
   * and its controller empties it): the marked object, or undefined to delete as usual.
   */
  markDeleted?(cur: O, finalizers: string[], now: string): O;
  /**
   * A write through a subresource other than status and scale (a pod's `binding`, a namespace's
   * `finalize`): the stored object and the request body in, the object to store out (`cur`
   * itself when nothing changes), or the StatusError the apiserver answers; undefined for a
   * subresource the kind does not have.
   */
  writeSubresource?(subresource: string, cur: O, body: unknown, ctx: { now: string }): O | undefined;
  /** The selector its /scale reports (status.selector); absent: spec.selector, a LabelSelector. */
  scaleSelector?(o: O): string;
  /** Whether an update changes what metadata.generation counts; absent: whether the spec changed. */
  specChanged?(o: O, old: O): boolean;
}

const registered = new Map<string, Strategy>();
const GENERIC: Strategy = {};

/** Registers a kind's strategy (each strategy file does, for its kinds). */
export function defineStrategy<K extends keyof Kinds>(kinds: K[], s: Strategy<Kinds[K]>): void {
  for (const k of kinds) registered.set(k, s);
}

/** Everything of an object but metadata (and status): what a custom object's generation counts. */
function withoutMeta(o: KubeObject, status: boolean): Record<string, unknown> {
  const { metadata: _m, status: st, ...rest } = o;
  return status ? { ...rest, status: st } : rest;
}

const customStrategies = new WeakMap<ResourceInfo, Strategy>();

/**
 * The strategy of a custom resource (the apiextensions apiserver's): with a status subresource,
 * a create drops the status and generation moves with any change but metadata and status;
 * without, generation moves with any change but metadata.
 */
function customStrategy(r: ResourceInfo): Strategy {
  let s = customStrategies.get(r);
  if (s) return s;
  const statusSubresource = !!r.custom?.statusSubresource;
  s = {
    keepsStatusOnCreate: !statusSubresource,
    prepareForCreate(o) {
      if (statusSubresource) delete o.status;
    },
    specChanged: (o, old) => !semanticEqual(withoutMeta(o, !statusSubresource), withoutMeta(old, !statusSubresource)),
  };
  customStrategies.set(r, s);
  return s;
}

/** The strategy of a resource (the generic one when its kind has no rules of its own). */
export function strategyFor(r: ResourceInfo): Strategy {
  if (r.custom) return customStrategy(r);
  return registered.get(r.kind) ?? GENERIC;
}
