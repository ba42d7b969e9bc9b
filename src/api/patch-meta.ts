// Strategic merge patch metadata: how each field of a built-in kind merges. Facts of the API, as
// Kubernetes declares them on its Go types (`patchStrategy` and `patchMergeKey` struct tags in
// k8s.io/api and apimachinery), transcribed into this table of our own by message (Go type) name;
// the types themselves come from the one wire-format table (protobuf/messages.ts), so a walk from
// a kind reaches every field it has. A list not named here is atomic (a patch replaces it), a map
// not named here merges key by key.
//
//   merge        a list of objects merged item by item on the merge key, or a list of scalars
//                merged as a set (no key)
//   retainKeys   the patch may carry `$retainKeys` (keys of this map, or of each item, to keep)
//   replace      an object replaced whole (PodDisruptionBudget's selector)
import { MESSAGES, fieldsOf, messageName } from './protobuf/messages.js';

type Strategy = readonly [strategy: string, mergeKey?: string];

/** Declared strategies by message, then JSON field name. */
export const PATCH_STRATEGIES: Record<string, Record<string, Strategy>> = {
  Container: { ports: ['merge', 'containerPort'], env: ['merge', 'name'], volumeMounts: ['merge', 'mountPath'], volumeDevices: ['merge', 'devicePath'] },
  ContainerStatus: { volumeMounts: ['merge', 'mountPath'], allocatedResourcesStatus: ['merge', 'name'] },
  DaemonSetStatus: { conditions: ['merge', 'type'] },
  DeploymentSpec: { strategy: ['retainKeys'] },
  DeploymentStatus: { conditions: ['merge', 'type'] },
  EphemeralContainerCommon: { ports: ['merge', 'containerPort'], env: ['merge', 'name'], volumeMounts: ['merge', 'mountPath'], volumeDevices: ['merge', 'devicePath'] },
  HorizontalPodAutoscalerStatus: { conditions: ['merge', 'type'] },
  JobSchedulingConfiguration: { resourceClaims: ['merge', 'name'] },
  JobStatus: { conditions: ['merge', 'type'] },
  NamespaceStatus: { conditions: ['merge', 'type'] },
  NodeAllocatableResourceClaimStatus: { mapping: ['merge', 'name'], overhead: ['merge', 'name'] },
  NodeSpec: { podCIDRs: ['merge'] },
  NodeStatus: { conditions: ['merge', 'type'], addresses: ['merge', 'type'] },
  ObjectMeta: { ownerReferences: ['merge', 'uid'], finalizers: ['merge'] },
  PersistentVolumeClaimStatus: { conditions: ['merge', 'type'] },
  PodDisruptionBudgetSpec: { selector: ['replace'] },
  PodDisruptionBudgetStatus: { conditions: ['merge', 'type'] },
  PodSpec: { volumes: ['merge,retainKeys', 'name'], initContainers: ['merge', 'name'], containers: ['merge', 'name'], ephemeralContainers: ['merge', 'name'], imagePullSecrets: ['merge', 'name'], hostAliases: ['merge', 'ip'], topologySpreadConstraints: ['merge', 'topologyKey'], schedulingGates: ['merge', 'name'], resourceClaims: ['merge,retainKeys', 'name'], evictionResponders: ['merge', 'name'] },
  PodStatus: { conditions: ['merge', 'type'], hostIPs: ['merge', 'ip'], podIPs: ['merge', 'ip'], resourceClaimStatuses: ['merge,retainKeys', 'name'], nodeAllocatableResourceClaimStatuses: ['merge', 'resourceClaimName'] },
  PodVolumeHealth: { healthConditions: ['merge', 'status'] },
  ReplicaSetStatus: { conditions: ['merge', 'type'] },
  ReplicationControllerStatus: { conditions: ['merge', 'type'] },
  ServiceAccount: { secrets: ['merge', 'name'] },
  ServiceSpec: { ports: ['merge', 'port'] },
  ServiceStatus: { conditions: ['merge', 'type'] },
  StatefulSetStatus: { conditions: ['merge', 'type'] },
  VolumeHealthStatus: { healthConditions: ['merge', 'status'] },
};

/**
 * Where a walk through an object is: a type of the wire-format table (`PodSpec`, `[]Container`,
 * `map:string`, `string`), or undefined where the type is unknown (a kind minik has no table for:
 * then every list is atomic and every map merges, as for a custom resource's JSON merge).
 */
export type PatchType = string | undefined;

/** How a field merges. */
export interface FieldPatchMeta {
  /** The strategy as Kubernetes declares it (`merge`, `merge,retainKeys`, `replace`, ...). */
  strategy?: string;
  /** Merge key of a list of objects merged item by item. */
  mergeKey?: string;
  /** A list of scalars merged as a set. */
  set?: boolean;
  /** `$retainKeys` applies (to this map, or to each item of this list). */
  retainKeys?: boolean;
  /** An object replaced whole. */
  replace?: boolean;
}

const NONE: FieldPatchMeta = Object.freeze({});

const metas = new Map<string, Map<string, FieldPatchMeta>>();

/** How the fields of a message merge, embedded messages' included. */
function messageMeta(name: string): Map<string, FieldPatchMeta> {
  let meta = metas.get(name);
  if (meta) return meta;
  meta = new Map();
  const types = fieldsOf(MESSAGES[name] ?? {});
  for (const [json, type] of Object.values(MESSAGES[name] ?? {})) if (json === '') for (const [k, v] of messageMeta(type)) meta.set(k, v);
  for (const [json, [strategy, mergeKey]] of Object.entries(PATCH_STRATEGIES[name] ?? {})) {
    const parts = strategy.split(',');
    const type = types.get(json) ?? '';
    const scalars = type.startsWith('[]') && !MESSAGES[type.slice(2)];
    meta.set(json, {
      strategy,
      ...(parts.includes('merge') && mergeKey ? { mergeKey } : {}),
      ...(parts.includes('merge') && scalars ? { set: true } : {}),
      ...(parts.includes('retainKeys') ? { retainKeys: true } : {}),
      ...(parts.includes('replace') ? { replace: true } : {}),
    });
  }
  metas.set(name, meta);
  return meta;
}

/** The type of an object of a built-in kind (from its apiVersion and kind), or undefined. */
export function typeOfObject(obj: unknown): PatchType {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  return typeof kind === 'string' ? messageName(String(apiVersion), kind) : undefined;
}

/** The type of a field of an object of type `t` (a map's value type for a map). */
export function fieldType(t: PatchType, key: string): PatchType {
  if (t === undefined) return undefined;
  if (t.startsWith('map:')) return t.slice(4);
  if (t.startsWith('[]')) return undefined;
  return MESSAGES[t] ? fieldsOf(MESSAGES[t]).get(key) : undefined;
}

/** The type of the items of a list type. */
export function itemType(t: PatchType): PatchType {
  return t?.startsWith('[]') ? t.slice(2) : undefined;
}

/** How field `key` of an object of type `t` merges. */
export function fieldPatchMeta(t: PatchType, key: string): FieldPatchMeta {
  if (t === undefined || t.startsWith('map:') || t.startsWith('[]')) return NONE;
  return messageMeta(t).get(key) ?? NONE;
}
