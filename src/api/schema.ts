// Structural schemas of the served kinds: the type of each field, so that decoding can reject a
// wrong type (`replicas: "three"`) or an unknown field (`replica: 3`) the way the apiserver's
// strict decoding does. Nodes marked `open`, and kinds not described here, are checked against
// the wire-format table (protobuf/messages.ts), which has every field of every served kind.
import { MESSAGES, type Message, fieldsOf, messageFor } from './protobuf/messages.js';

/** A schema node. `go` is the Go type name used in decoding errors. */
export type Schema =
  | { t: 'string' | 'boolean' | 'int32' | 'int64' | 'number' | 'intOrString' | 'quantity' | 'time' | 'any' }
  | { t: 'array'; items: Schema }
  | { t: 'map'; values: Schema }
  | { t: 'object'; go: string; fields: Record<string, Schema>; open?: boolean };

const str: Schema = { t: 'string' };
const bool: Schema = { t: 'boolean' };
const i32: Schema = { t: 'int32' };
const i64: Schema = { t: 'int64' };
const ios: Schema = { t: 'intOrString' };
const time: Schema = { t: 'time' };
const strs: Schema = { t: 'array', items: str };
const strMap: Schema = { t: 'map', values: str };
const arr = (items: Schema): Schema => ({ t: 'array', items });
const obj = (go: string, fields: Record<string, Schema>, open = false): Schema => ({ t: 'object', go, fields, open });
const openObj = (go: string): Schema => obj(go, {}, true);

const ownerRef = obj('OwnerReference', { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool });

export const objectMeta = obj('ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: i64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: i64,
  labels: strMap,
  annotations: strMap,
  ownerReferences: arr(ownerRef),
  finalizers: strs,
  managedFields: arr(openObj('ManagedFieldsEntry')),
});

const labelSelector = obj('LabelSelector', {
  matchLabels: strMap,
  matchExpressions: arr(obj('LabelSelectorRequirement', { key: str, operator: str, values: strs })),
});

const resourceList: Schema = { t: 'map', values: { t: 'quantity' } };
const resources = obj('ResourceRequirements', { limits: resourceList, requests: resourceList, claims: arr(openObj('ResourceClaim')) });

const keyRef = (go: string) => obj(go, { name: str, key: str, optional: bool });
const envVar = obj('EnvVar', {
  name: str,
  value: str,
  valueFrom: obj('EnvVarSource', {
    fieldRef: obj('ObjectFieldSelector', { apiVersion: str, fieldPath: str }),
    resourceFieldRef: obj('ResourceFieldSelector', { containerName: str, resource: str, divisor: { t: 'quantity' } }),
    configMapKeyRef: keyRef('ConfigMapKeySelector'),
    secretKeyRef: keyRef('SecretKeySelector'),
  }),
});
const envFrom = obj('EnvFromSource', {
  prefix: str,
  configMapRef: obj('ConfigMapEnvSource', { name: str, optional: bool }),
  secretRef: obj('SecretEnvSource', { name: str, optional: bool }),
});
const containerPort = obj('ContainerPort', { name: str, hostPort: i32, containerPort: i32, protocol: str, hostIP: str });
const probe = obj(
  'Probe',
  {
    exec: openObj('ExecAction'),
    httpGet: openObj('HTTPGetAction'),
    tcpSocket: openObj('TCPSocketAction'),
    grpc: openObj('GRPCAction'),
    initialDelaySeconds: i32,
    timeoutSeconds: i32,
    periodSeconds: i32,
    successThreshold: i32,
    failureThreshold: i32,
    terminationGracePeriodSeconds: i64,
  },
);
const volumeMount = obj('VolumeMount', { name: str, readOnly: bool, recursiveReadOnly: str, mountPath: str, subPath: str, mountPropagation: str, subPathExpr: str });

const container = obj('Container', {
  name: str,
  image: str,
  command: strs,
  args: strs,
  workingDir: str,
  ports: arr(containerPort),
  envFrom: arr(envFrom),
  env: arr(envVar),
  resources,
  resizePolicy: arr(openObj('ContainerResizePolicy')),
  restartPolicy: str,
  volumeMounts: arr(volumeMount),
  volumeDevices: arr(openObj('VolumeDevice')),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: openObj('Lifecycle'),
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: openObj('SecurityContext'),
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

const volume = obj(
  'Volume',
  {
    name: str,
    configMap: obj('ConfigMapVolumeSource', { name: str, items: arr(openObj('KeyToPath')), defaultMode: i32, optional: bool }),
    secret: obj('SecretVolumeSource', { secretName: str, items: arr(openObj('KeyToPath')), defaultMode: i32, optional: bool }),
    persistentVolumeClaim: obj('PersistentVolumeClaimVolumeSource', { claimName: str, readOnly: bool }),
    emptyDir: obj('EmptyDirVolumeSource', { medium: str, sizeLimit: { t: 'quantity' } }),
    hostPath: obj('HostPathVolumeSource', { path: str, type: str }),
  },
  true,
);

const toleration = obj('Toleration', { key: str, operator: str, value: str, effect: str, tolerationSeconds: i64 });

export const podSpec = obj('PodSpec', {
  volumes: arr(volume),
  initContainers: arr(container),
  containers: arr(container),
  ephemeralContainers: arr(openObj('EphemeralContainer')),
  restartPolicy: str,
  terminationGracePeriodSeconds: i64,
  activeDeadlineSeconds: i64,
  dnsPolicy: str,
  nodeSelector: strMap,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: openObj('PodSecurityContext'),
  imagePullSecrets: arr(obj('LocalObjectReference', { name: str })),
  hostname: str,
  subdomain: str,
  affinity: openObj('Affinity'),
  schedulerName: str,
  tolerations: arr(toleration),
  hostAliases: arr(obj('HostAlias', { ip: str, hostnames: strs })),
  priorityClassName: str,
  priority: i32,
  dnsConfig: openObj('PodDNSConfig'),
  readinessGates: arr(obj('PodReadinessGate', { conditionType: str })),
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: resourceList,
  topologySpreadConstraints: arr(openObj('TopologySpreadConstraint')),
  setHostnameAsFQDN: bool,
  os: obj('PodOS', { name: str }),
  hostUsers: bool,
  schedulingGates: arr(obj('PodSchedulingGate', { name: str })),
  resourceClaims: arr(openObj('PodResourceClaim')),
  resources,
});

const podTemplate = obj('PodTemplateSpec', { metadata: objectMeta, spec: podSpec });
const status = openObj('Status');

function kind(go: string, fields: Record<string, Schema>): Schema {
  return obj(go, { apiVersion: str, kind: str, metadata: objectMeta, ...fields });
}

const intOrPercent = ios;
const pvcTemplate = obj('PersistentVolumeClaim', { apiVersion: str, kind: str, metadata: objectMeta, spec: openObj('PersistentVolumeClaimSpec'), status });

/** Schemas by kind. Kinds without an entry are checked only for a metadata object. */
export const SCHEMAS: Record<string, Schema> = {
  Pod: kind('Pod', { spec: podSpec, status }),
  Deployment: kind('Deployment', {
    spec: obj('DeploymentSpec', {
      replicas: i32,
      selector: labelSelector,
      template: podTemplate,
      strategy: obj('DeploymentStrategy', { type: str, rollingUpdate: obj('RollingUpdateDeployment', { maxUnavailable: intOrPercent, maxSurge: intOrPercent }) }),
      minReadySeconds: i32,
      revisionHistoryLimit: i32,
      paused: bool,
      progressDeadlineSeconds: i32,
    }),
    status,
  }),
  ReplicaSet: kind('ReplicaSet', { spec: obj('ReplicaSetSpec', { replicas: i32, minReadySeconds: i32, selector: labelSelector, template: podTemplate }), status }),
  ReplicationController: kind('ReplicationController', {
    spec: obj('ReplicationControllerSpec', { replicas: i32, minReadySeconds: i32, selector: strMap, template: podTemplate }),
    status,
  }),
  DaemonSet: kind('DaemonSet', {
    spec: obj('DaemonSetSpec', {
      selector: labelSelector,
      template: podTemplate,
      updateStrategy: obj('DaemonSetUpdateStrategy', { type: str, rollingUpdate: obj('RollingUpdateDaemonSet', { maxUnavailable: intOrPercent, maxSurge: intOrPercent }) }),
      minReadySeconds: i32,
      revisionHistoryLimit: i32,
    }),
    status,
  }),
  StatefulSet: kind('StatefulSet', {
    spec: obj('StatefulSetSpec', {
      replicas: i32,
      selector: labelSelector,
      template: podTemplate,
      volumeClaimTemplates: arr(pvcTemplate),
      serviceName: str,
      podManagementPolicy: str,
      updateStrategy: obj('StatefulSetUpdateStrategy', { type: str, rollingUpdate: obj('RollingUpdateStatefulSetStrategy', { partition: i32, maxUnavailable: intOrPercent }) }),
      revisionHistoryLimit: i32,
      minReadySeconds: i32,
      persistentVolumeClaimRetentionPolicy: obj('StatefulSetPersistentVolumeClaimRetentionPolicy', { whenDeleted: str, whenScaled: str }),
      ordinals: obj('StatefulSetOrdinals', { start: i32 }),
    }),
    status,
  }),
  Job: kind('Job', { spec: jobSpec(), status }),
  CronJob: kind('CronJob', {
    spec: obj('CronJobSpec', {
      schedule: str,
      timeZone: str,
      startingDeadlineSeconds: i64,
      concurrencyPolicy: str,
      suspend: bool,
      jobTemplate: obj('JobTemplateSpec', { metadata: objectMeta, spec: jobSpec() }),
      successfulJobsHistoryLimit: i32,
      failedJobsHistoryLimit: i32,
    }),
    status,
  }),
  Service: kind('Service', {
    spec: obj('ServiceSpec', {
      ports: arr(obj('ServicePort', { name: str, protocol: str, appProtocol: str, port: i32, targetPort: ios, nodePort: i32 })),
      selector: strMap,
      clusterIP: str,
      clusterIPs: strs,
      type: str,
      externalIPs: strs,
      sessionAffinity: str,
      loadBalancerIP: str,
      loadBalancerSourceRanges: strs,
      externalName: str,
      externalTrafficPolicy: str,
      healthCheckNodePort: i32,
      publishNotReadyAddresses: bool,
      sessionAffinityConfig: openObj('SessionAffinityConfig'),
      ipFamilies: strs,
      ipFamilyPolicy: str,
      allocateLoadBalancerNodePorts: bool,
      loadBalancerClass: str,
      internalTrafficPolicy: str,
      trafficDistribution: str,
    }),
    status,
  }),
  ConfigMap: kind('ConfigMap', { data: strMap, binaryData: strMap, immutable: bool }),
  Secret: kind('Secret', { data: strMap, stringData: strMap, type: str, immutable: bool }),
  Namespace: kind('Namespace', { spec: obj('NamespaceSpec', { finalizers: strs }), status }),
  PriorityClass: kind('PriorityClass', { value: i32, globalDefault: bool, description: str, preemptionPolicy: str }),
  ServiceAccount: kind('ServiceAccount', {
    secrets: arr(openObj('ObjectReference')),
    imagePullSecrets: arr(obj('LocalObjectReference', { name: str })),
    automountServiceAccountToken: bool,
  }),
};

function jobSpec(): Schema {
  return obj('JobSpec', {
    parallelism: i32,
    completions: i32,
    activeDeadlineSeconds: i64,
    podFailurePolicy: openObj('PodFailurePolicy'),
    successPolicy: openObj('SuccessPolicy'),
    backoffLimit: i32,
    backoffLimitPerIndex: i32,
    maxFailedIndexes: i32,
    selector: labelSelector,
    manualSelector: bool,
    template: podTemplate,
    ttlSecondsAfterFinished: i32,
    completionMode: str,
    suspend: bool,
    podReplacementPolicy: str,
    managedBy: str,
  });
}

const GO_TYPES: Record<string, string> = {
  string: 'string',
  boolean: 'bool',
  int32: 'int32',
  int64: 'int64',
  number: 'float64',
  intOrString: 'intstr.IntOrString',
  quantity: 'resource.Quantity',
  time: 'v1.Time',
};

function goType(s: Schema): string {
  if (s.t === 'array') return `[]${goType(s.items)}`;
  if (s.t === 'map') return `map[string]${goType(s.values)}`;
  if (s.t === 'object') return `v1.${s.go}`;
  return GO_TYPES[s.t] ?? 'interface {}';
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** The result of decoding: the first type error (fatal), and unknown fields (fatal under Strict). */
export interface DecodeProblems {
  typeError?: string;
  unknownFields: string[];
}

/** Checks an object against its kind's schema, collecting problems the way strict JSON decoding does. */
export function checkSchema(kindName: string, value: unknown, apiVersion?: string): DecodeProblems {
  const out: DecodeProblems = { unknownFields: [] };
  const described = SCHEMAS[kindName];
  // A kind this file does not describe is checked against its wire-format message, if it has one.
  const message = described ? undefined : messageFor(apiVersion ?? '', kindName);
  if (message) walkMessage(message, value, '', '', kindName, out, TYPE_META);
  else walk(described ?? obj(kindName, { apiVersion: str, kind: str, metadata: objectMeta }, true), value, '', '', kindName, out);
  return out;
}

/** Checks an object's metadata (ObjectMeta) alone: a custom object's, whose other fields its CRD describes. */
export function checkMetadata(kindName: string, metadata: unknown): DecodeProblems {
  const out: DecodeProblems = { unknownFields: [] };
  walk(objectMeta, metadata, 'metadata', 'metadata', kindName, out);
  return out;
}

/** The fields an object has besides its message's (its kind's TypeMeta). */
const TYPE_META = new Map([
  ['apiVersion', 'string'],
  ['kind', 'string'],
]);

/** The Go type name of a wire-format type, for type errors. */
function wireGoType(t: string): string {
  if (t.startsWith('[]')) return `[]${wireGoType(t.slice(2))}`;
  if (t.startsWith('map:')) return `map[string]${wireGoType(t.slice(4))}`;
  const scalar: Record<string, string> = { string: 'string', bytes: '[]uint8', bool: 'bool', int32: 'int32', int64: 'int64', double: 'float64', Time: 'v1.Time', MicroTime: 'v1.MicroTime', Duration: 'v1.Duration' };
  return scalar[t] ?? `v1.${t.slice(t.lastIndexOf('.') + 1)}`;
}

/**
 * Strict decoding of the parts this file leaves open (and of kinds it does not describe) by the
 * wire-format table: every field of every served kind, so a misspelt field anywhere (a pod's
 * `securityContext`, `affinity`, a Role's `rules`, a LimitRange's items) is an unknown field, and
 * a list where an object belongs (or the reverse) a type error, as with Kubernetes.
 */
function walkMessage(fields: Message, v: unknown, path: string, ipath: string, parentGo: string, out: DecodeProblems, extra?: Map<string, string>): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
  const byName = fieldsOf(fields);
  for (const [k, item] of Object.entries(v as object)) {
    const type = byName.get(k) ?? extra?.get(k);
    const p = path ? `${path}.${k}` : k;
    const ip = ipath ? `${ipath}.${k}` : k;
    if (type === undefined) out.unknownFields.push(ip);
    else walkWire(type, item, p, ip, parentGo, out);
  }
}

function walkWire(type: string, v: unknown, path: string, ipath: string, parentGo: string, out: DecodeProblems): void {
  if (v === null || v === undefined || out.typeError) return;
  const fail = () => {
    if (!out.typeError) out.typeError = `json: cannot unmarshal ${jsonType(v)} into Go struct field ${parentGo}.${path} of type ${wireGoType(type)}`;
  };
  if (type.startsWith('[]')) {
    if (!Array.isArray(v)) return fail();
    v.forEach((item, i) => walkWire(type.slice(2), item, path, `${ipath}[${i}]`, parentGo, out));
    return;
  }
  if (type.startsWith('map:')) {
    if (typeof v !== 'object' || Array.isArray(v)) return fail();
    for (const [k, item] of Object.entries(v as object)) walkWire(type.slice(4), item, path, `${ipath}[${k}]`, parentGo, out);
    return;
  }
  switch (type) {
    case 'string':
    case 'bytes':
    case 'Time':
    case 'MicroTime':
    case 'Duration':
      if (typeof v !== 'string') fail();
      return;
    case 'bool':
      if (typeof v !== 'boolean') fail();
      return;
    case 'int32':
    case 'int64':
      if (typeof v !== 'number' || !Number.isInteger(v)) fail();
      return;
    case 'double':
      if (typeof v !== 'number') fail();
      return;
    case 'Quantity':
    case 'IntOrString':
      if (typeof v !== 'number' && typeof v !== 'string') fail();
      return;
    case 'RawExtension':
    case 'FieldsV1':
      return;
  }
  const message = MESSAGES[type];
  if (!message) return; // a type the table does not spell out: taken as it is
  if (typeof v !== 'object' || Array.isArray(v)) return fail();
  walkMessage(message, v, path, ipath, type.slice(type.lastIndexOf('.') + 1), out);
}

/**
 * `path` is the Go decoder's field path (no list indices, as in its type errors); `ipath` keeps
 * the indices, as strict decoding reports unknown fields (`spec.containers[0].imagePullPolicyy`).
 */
function walk(s: Schema, v: unknown, path: string, ipath: string, parentGo: string, out: DecodeProblems): void {
  if (v === null || v === undefined || out.typeError) return;
  const fail = (expected: string) => {
    if (!out.typeError) out.typeError = `json: cannot unmarshal ${jsonType(v)} into Go struct field ${parentGo}.${path} of type ${expected}`;
  };
  switch (s.t) {
    case 'any':
      return;
    case 'string':
    case 'time':
      if (typeof v !== 'string') fail(goType(s));
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail('bool');
      return;
    case 'int32':
    case 'int64':
      if (typeof v !== 'number') fail(goType(s));
      else if (!Number.isInteger(v)) out.typeError = `json: cannot unmarshal number ${v} into Go struct field ${parentGo}.${path} of type ${goType(s)}`;
      return;
    case 'number':
      if (typeof v !== 'number') fail('float64');
      return;
    case 'intOrString':
      if (typeof v !== 'number' && typeof v !== 'string') fail('intstr.IntOrString');
      return;
    case 'quantity':
      if (typeof v !== 'number' && typeof v !== 'string') out.typeError = `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`;
      return;
    case 'array':
      if (!Array.isArray(v)) return fail(goType(s));
      v.forEach((item, i) => walk(s.items, item, path, `${ipath}[${i}]`, parentGo, out));
      return;
    case 'map':
      if (typeof v !== 'object' || Array.isArray(v)) return fail(goType(s));
      for (const [k, item] of Object.entries(v as object)) walk(s.values, item, path, `${ipath}[${k}]`, parentGo, out);
      return;
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) return fail(goType(s));
      for (const [k, item] of Object.entries(v as object)) {
        const child = Object.prototype.hasOwnProperty.call(s.fields, k) ? s.fields[k] : undefined;
        const p = path ? `${path}.${k}` : k;
        const ip = ipath ? `${ipath}.${k}` : k;
        if (child) walk(child, item, p, ip, s.go, out);
        else if (!s.open) out.unknownFields.push(ip);
        else if (s.go !== 'Status' && MESSAGES[s.go]) {
          // An open part: checked field by field against its wire-format message. (`Status` here
          // is any kind's status, not metav1.Status: the status a client sends is not kept.)
          const type = fieldsOf(MESSAGES[s.go]).get(k);
          if (type === undefined) out.unknownFields.push(ip);
          else walkWire(type, item, p, ip, s.go, out);
        }
      }
      return;
    }
  }
}
