// Containers, volumes and the pod-template block shared by the pod and workload describers.
import type { Container, ContainerStatus, KubeObject, PodSpec, Volume } from '../../api/types.js';
import { selectorString } from '../../api/labels.js';
import { type DescribeWriter, describeTime } from './writer.js';

function env(w: DescribeWriter, level: number, c: Container): void {
  const vars = c.env ?? [];
  const from = c.envFrom ?? [];
  if (vars.length === 0 && from.length === 0) return w.line(level, 'Environment:', '<none>');
  if (from.length > 0) {
    w.line(level, 'Environment Variables from:');
    for (const f of from) {
      if (f.configMapRef) w.line(level + 1, f.configMapRef.name, `ConfigMap${f.prefix ? ` with prefix '${f.prefix}'` : ''}`, `Optional: ${!!f.configMapRef.optional}`);
      if (f.secretRef) w.line(level + 1, f.secretRef.name, `Secret${f.prefix ? ` with prefix '${f.prefix}'` : ''}`, `Optional: ${!!f.secretRef.optional}`);
    }
  }
  if (vars.length === 0) return w.line(level, 'Environment:', '<none>');
  w.line(level, 'Environment:');
  for (const e of vars) {
    const vf = e.valueFrom;
    let v = e.value ?? '';
    if (vf?.configMapKeyRef) v = `<set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name}'>`;
    else if (vf?.secretKeyRef) v = `<set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name}'>`;
    else if (vf?.fieldRef) v = ` (${vf.fieldRef.apiVersion ?? 'v1'}:${vf.fieldRef.fieldPath})`; // kubectl's "%s (%s:%s)" with no resolved value
    else if (vf?.resourceFieldRef) v = `${vf.resourceFieldRef.resource}`;
    w.line(level + 1, `${e.name}:`, `${v}${vf && (vf.configMapKeyRef?.optional !== undefined || vf.secretKeyRef?.optional !== undefined) ? `  Optional: ${!!(vf.configMapKeyRef?.optional ?? vf.secretKeyRef?.optional)}` : vf?.configMapKeyRef || vf?.secretKeyRef ? '  Optional: false' : ''}`);
  }
}

function ports(c: Container): { port: string; host: string } {
  const ps = c.ports ?? [];
  if (ps.length === 0) return { port: '<none>', host: '<none>' };
  return {
    port: ps.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', '),
    host: ps.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', '),
  };
}

/** One container's block; `status` adds the runtime state when describing a pod. */
export function describeContainer(w: DescribeWriter, level: number, c: Container, status?: Partial<ContainerStatus>, space = ''): void {
  // kubectl indents a template's container names by one extra space (`   nginx:`), not a level.
  w.line(level, `${space}${c.name}:`);
  const l = level + 1;
  if (status?.containerID) w.line(l, 'Container ID:', status.containerID);
  w.line(l, 'Image:', c.image ?? '');
  if (status) w.line(l, 'Image ID:', status.imageID ?? '');
  const p = ports(c);
  w.line(l, 'Port:', p.port);
  w.line(l, 'Host Port:', p.host);
  if (c.command?.length) {
    w.line(l, 'Command:');
    for (const x of c.command) w.line(l + 1, x);
  }
  if (c.args?.length) {
    w.line(l, 'Args:');
    for (const x of c.args) w.line(l + 1, x);
  }
  if (status) {
    const st = status.state ?? {};
    if (st.running) {
      w.line(l, 'State:', 'Running');
      w.line(l + 1, 'Started:', describeTime(st.running.startedAt));
    } else if (st.waiting) {
      w.line(l, 'State:', 'Waiting');
      if (st.waiting.reason) w.line(l + 1, 'Reason:', st.waiting.reason);
    } else if (st.terminated) {
      w.line(l, 'State:', 'Terminated');
      if (st.terminated.reason) w.line(l + 1, 'Reason:', st.terminated.reason);
      w.line(l + 1, 'Exit Code:', st.terminated.exitCode);
      w.line(l + 1, 'Started:', describeTime(st.terminated.startedAt));
      w.line(l + 1, 'Finished:', describeTime(st.terminated.finishedAt));
    } else w.line(l, 'State:', 'Waiting');
    const last = status.lastState?.terminated;
    if (last) {
      w.line(l, 'Last State:', 'Terminated');
      if (last.reason) w.line(l + 1, 'Reason:', last.reason);
      w.line(l + 1, 'Exit Code:', last.exitCode);
      w.line(l + 1, 'Started:', describeTime(last.startedAt));
      w.line(l + 1, 'Finished:', describeTime(last.finishedAt));
    }
    w.line(l, 'Ready:', status.ready ? 'True' : 'False');
    w.line(l, 'Restart Count:', status.restartCount ?? 0);
  }
  for (const kind of ['limits', 'requests'] as const) {
    const res = c.resources?.[kind];
    if (res && Object.keys(res).length) {
      w.line(l, `${kind === 'limits' ? 'Limits' : 'Requests'}:`);
      for (const k of Object.keys(res).sort()) w.line(l + 1, `${k}:`, String(res[k]));
    }
  }
  for (const [name, probe] of [
    ['Liveness', c.livenessProbe],
    ['Readiness', c.readinessProbe],
    ['Startup', c.startupProbe],
  ] as const) {
    if (!probe) continue;
    const how = probe.httpGet ? `http-get ${probe.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://:${probe.httpGet.port}${probe.httpGet.path ?? '/'}` : probe.tcpSocket ? `tcp-socket :${probe.tcpSocket.port}` : probe.exec ? `exec [${(probe.exec.command ?? []).join(' ')}]` : 'unknown';
    w.line(l, `${name}:`, `${how} delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`);
  }
  env(w, l, c);
  const mounts = c.volumeMounts ?? [];
  if (mounts.length === 0) w.line(l, 'Mounts:', '<none>');
  else {
    w.line(l, 'Mounts:');
    for (const m of mounts) w.line(l + 1, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${m.subPath ? `,path="${m.subPath}"` : ''})`);
  }
}

/** The Volumes block. */
export function describeVolumes(w: DescribeWriter, level: number, vols: Volume[] | undefined): void {
  if (!vols || vols.length === 0) return w.line(level, 'Volumes:', '<none>');
  w.line(level, 'Volumes:');
  for (const v of vols) {
    // A pod's volumes sit one level in; a template's one space in (kubectl's `space` prefix).
    if (level === 0) w.line(1, `${v.name}:`);
    else w.line(level, ` ${v.name}:`);
    const l = level === 0 ? 2 : level + 1;
    if (v.configMap) {
      w.line(l, 'Type:', 'ConfigMap (a volume populated by a ConfigMap)');
      w.line(l, 'Name:', v.configMap.name);
      w.line(l, 'Optional:', String(!!v.configMap.optional));
    } else if (v.secret) {
      w.line(l, 'Type:', 'Secret (a volume populated by a Secret)');
      w.line(l, 'SecretName:', v.secret.secretName);
      w.line(l, 'Optional:', String(!!v.secret.optional));
    } else if (v.persistentVolumeClaim) {
      w.line(l, 'Type:', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
      w.line(l, 'ClaimName:', v.persistentVolumeClaim.claimName);
      w.line(l, 'ReadOnly:', String(!!v.persistentVolumeClaim.readOnly));
    } else if (v.emptyDir) {
      w.line(l, 'Type:', 'EmptyDir (a temporary directory that shares a pod\'s lifetime)');
      w.line(l, 'Medium:', v.emptyDir.medium ?? '');
      w.line(l, 'SizeLimit:', v.emptyDir.sizeLimit ?? '<unset>');
    } else if (v.downwardAPI) {
      w.line(l, 'Type:', 'DownwardAPI (a volume populated by information about the pod)');
      w.line(l, 'Items:');
      for (const item of v.downwardAPI.items ?? []) w.line(l + 1, `${item.fieldRef?.fieldPath ?? item.resourceFieldRef?.resource ?? ''} -> ${item.path}`);
    } else if (v.projected) {
      w.line(l, 'Type:', 'Projected (a volume that contains injected data from multiple sources)');
      // kubectl 1.32 prints the sources' `optional` pointers with %v: <nil> when unset (and an
      // address when set, which no one can match: the value is printed instead).
      const optional = (o: boolean | undefined) => (o === undefined ? '<nil>' : String(o));
      for (const src of v.projected.sources ?? []) {
        if (src.secret) {
          w.line(l, 'SecretName:', src.secret.name);
          w.line(l, 'SecretOptionalName:', optional(src.secret.optional));
        } else if (src.downwardAPI) w.line(l, 'DownwardAPI:', 'true');
        else if (src.configMap) {
          w.line(l, 'ConfigMapName:', src.configMap.name);
          w.line(l, 'ConfigMapOptional:', optional(src.configMap.optional));
        } else if (src.serviceAccountToken) w.line(l, 'TokenExpirationSeconds:', String(src.serviceAccountToken.expirationSeconds ?? 3600));
      }
    } else if (v.hostPath) {
      w.line(l, 'Type:', 'HostPath (bare host directory volume)');
      w.line(l, 'Path:', v.hostPath.path);
      w.line(l, 'HostPathType:', v.hostPath.type ?? '');
    } else {
      const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
      w.line(l, 'Type:', kind);
    }
  }
}

/** Tolerations in kubectl's `key:Effect op=Exists for 300s` form. */
export function describeTolerations(w: DescribeWriter, level: number, key: string, tols: PodSpec['tolerations']): void {
  if (!tols || tols.length === 0) return w.line(level, key, '<none>');
  tols.forEach((t, i) => {
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists') s += ' op=Exists';
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
    w.line(level, i === 0 ? key : '', s);
  });
}

/** `Topology Spread Constraints:` as kubectl prints them: by key, `key:When when max skew N is exceeded for selector S`. */
export function describeTopologySpread(w: DescribeWriter, level: number, tscs: PodSpec['topologySpreadConstraints']): void {
  if (!tscs?.length) return;
  const sorted = [...tscs].sort((a, b) => (a.topologyKey < b.topologyKey ? -1 : a.topologyKey > b.topologyKey ? 1 : 0));
  sorted.forEach((c, i) => {
    const selector = c.labelSelector ? ` for selector ${selectorString(c.labelSelector) || '<none>'}` : '';
    w.line(level, i === 0 ? 'Topology Spread Constraints:' : '', `${c.topologyKey}:${c.whenUnsatisfiable} when max skew ${c.maxSkew} is exceeded${selector}`);
  });
}

/** The `Pod Template:` block of workloads. */
export function describePodTemplate(w: DescribeWriter, level: number, tpl: { metadata?: KubeObject['metadata']; spec?: PodSpec } | undefined): void {
  w.line(level, 'Pod Template:');
  const l = level + 1;
  w.map(l, 'Labels:', tpl?.metadata?.labels);
  if (tpl?.metadata?.annotations && Object.keys(tpl.metadata.annotations).length) w.map(l, 'Annotations:', tpl.metadata.annotations, ': ');
  if (tpl?.spec?.serviceAccountName) w.line(l, 'Service Account:', tpl.spec.serviceAccountName);
  if (tpl?.spec?.initContainers?.length) {
    w.line(l, 'Init Containers:');
    for (const c of tpl.spec.initContainers) describeContainer(w, l, c, undefined, ' ');
  }
  w.line(l, 'Containers:');
  for (const c of tpl?.spec?.containers ?? []) describeContainer(w, l, c, undefined, ' ');
  describeVolumes(w, l, tpl?.spec?.volumes);
  describeTopologySpread(w, l, tpl?.spec?.topologySpreadConstraints);
  if (tpl?.spec?.priorityClassName) w.line(l, 'Priority Class Name:', tpl.spec.priorityClassName);
  const sel = tpl?.spec?.nodeSelector;
  w.line(l, 'Node-Selectors:', sel && Object.keys(sel).length ? Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') : '<none>');
  describeTolerations(w, l, 'Tolerations:', tpl?.spec?.tolerations);
}
