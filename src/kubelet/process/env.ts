// A process container's environment, built only from its pod (as the kubelet builds it): envFrom
// in order, then env (literal values with `$(VAR)` references expanded, ConfigMap and Secret keys,
// the downward API's fields and resources), then HOSTNAME and the PATH and HOME an image would
// set. Nothing of the daemon's own environment. Pure: the kubelet passes the lookups.
import { parseQuantity } from '../../api/quantity.js';
import type { Container, Pod } from '../../api/types.js';
import { EXEC_PATH } from '../../state/runtime-config.js';
import { expandRefs } from './programs.js';

/** What the environment may read besides the pod: its namespace's ConfigMaps and Secrets (data as stored). */
export interface EnvSources {
  configMap(name: string): Record<string, string> | undefined;
  /** A Secret's data, base64 as stored. */
  secret(name: string): Record<string, string> | undefined;
  /** The node's allocatable resources (a resource with no limit reads them, as in Kubernetes). */
  allocatable: Record<string, string>;
}

/** A downward API field of the pod (`metadata.labels['app']`, `status.podIP`, ...); undefined when unknown. */
export function podField(pod: Pod, fieldPath: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'metadata.labels': Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n'),
    'metadata.annotations': Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n'),
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.hostIP': pod.status?.hostIP,
    'status.hostIPs': (pod.status?.hostIPs ?? []).map((a) => a.ip).join(','),
    'status.podIP': pod.status?.podIP,
    'status.podIPs': (pod.status?.podIPs ?? []).map((a) => a.ip).join(','),
  };
  return fields[fieldPath];
}

/** A container's resource as the downward API gives it (`limits.cpu` in whole cores rounded up by default, memory in bytes). */
export function resourceField(pod: Pod, c: Container | undefined, resource: string, divisor: string | number | undefined, allocatable: Record<string, string>): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const value = (c?.resources?.[kind] as Record<string, string | number> | undefined)?.[name] ?? (kind === 'limits' ? allocatable[name] : 0) ?? 0;
  const d = parseQuantity(divisor ?? 1) || 1;
  return String(Math.ceil(parseQuantity(value) / d));
}

/** The container's environment, in the order the kubelet builds it. */
export function containerEnv(pod: Pod, c: Container, src: EnvSources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const data = from.configMapRef ? src.configMap(from.configMapRef.name) : from.secretRef ? decodeAll(src.secret(from.secretRef.name)) : undefined;
    for (const [k, v] of Object.entries(data ?? {})) env[(from.prefix ?? '') + k] = v;
  }
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    let value: string | undefined;
    if (!from) value = expandRefs(e.value ?? '', env);
    else if (from.configMapKeyRef) value = src.configMap(from.configMapKeyRef.name)?.[from.configMapKeyRef.key];
    else if (from.secretKeyRef) {
      const b64 = src.secret(from.secretKeyRef.name)?.[from.secretKeyRef.key];
      value = b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
    } else if (from.fieldRef) value = podField(pod, from.fieldRef.fieldPath);
    else if (from.resourceFieldRef) {
      const target = from.resourceFieldRef.containerName ? all.find((x) => x.name === from.resourceFieldRef!.containerName) : c;
      value = resourceField(pod, target, from.resourceFieldRef.resource, from.resourceFieldRef.divisor, src.allocatable);
    }
    // An optional reference that is missing sets nothing.
    if (value !== undefined) env[e.name] = value;
  }
  env.HOSTNAME ??= pod.metadata.name ?? '';
  env.PATH ??= EXEC_PATH;
  return env;
}

function decodeAll(data: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!data) return undefined;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}
