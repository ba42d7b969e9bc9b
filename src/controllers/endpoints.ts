// The Endpoints and EndpointSlice controllers: for every Service with a selector, the pods it
// selects, by IP, with their ports resolved (named targetPorts looked up in each pod). Only Ready
// pods are ready endpoints; unready ones go to notReadyAddresses; terminating pods leave
// Endpoints at once and stay in slices as ready=false, terminating=true.
import { jsonEqual } from '../api/equal.js';
import { fromLabelSelector, matches } from '../api/labels.js';
import { isPodReady } from '../api/pods.js';
import { resolveResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { pushTo } from '../api/collections.js';
import { LabelIndex } from '../api/label-index.js';

const [svcR, epR, sliceR, podsR] = ['services', 'endpoints', 'endpointslices', 'pods'].map((n) => resolveResource(n)[0]);

/** Legacy Endpoints hold at most this many addresses (since 1.22), then are truncated. */
export const MAX_ENDPOINTS = 1000;
/** Addresses per EndpointSlice. */
export const MAX_PER_SLICE = 100;

interface Backend {
  pod: KubeObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
  ports: { name?: string; port: number; protocol: string }[];
}

/** The port a Service port reaches on a pod: a number, or the pod's container port of that name. */
export function resolveTargetPort(pod: KubeObject, targetPort: number | string | undefined, port: number): number | undefined {
  if (targetPort === undefined) return port;
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === targetPort) return p.containerPort;
  return undefined;
}

/** The pods behind a Service, each with its resolved ports. */
export function backends(svc: KubeObject, pods: KubeObject[]): Backend[] {
  const sel = fromLabelSelector({ matchLabels: svc.spec?.selector ?? {} });
  const publish = !!svc.spec?.publishNotReadyAddresses;
  const out: Backend[] = [];
  for (const pod of pods) {
    if (!matches(sel, pod.metadata.labels) || !pod.status?.podIP) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    const ports: Backend['ports'] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(pod, sp.targetPort, sp.port);
      if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    out.push({ pod, ip: pod.status.podIP, ready: publish || (isPodReady(pod) && !terminating), terminating, ports });
  }
  return out.sort((a, b) => ipCompare(a.ip, b.ip));
}

function ipCompare(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** A pod's DNS hostname under a Service: set when the pod's subdomain is that Service (StatefulSets' `web-0.web`). */
const hostnameFor = (svc: KubeObject, b: Backend) => (b.pod.spec?.hostname && b.pod.spec?.subdomain === svc.metadata.name ? { hostname: b.pod.spec.hostname } : {});

const address = (svc: KubeObject, b: Backend) => ({ ip: b.ip, ...hostnameFor(svc, b), nodeName: b.pod.spec?.nodeName, targetRef: { kind: 'Pod', name: b.pod.metadata.name, namespace: b.pod.metadata.namespace, uid: b.pod.metadata.uid } });

/** The Endpoints subsets: backends grouped by their port sets, ready and not ready apart. */
export function endpointSubsets(svc: KubeObject, bs: Backend[]): { subsets: any[]; truncated: boolean } {
  const groups = new Map<string, { ports: Backend['ports']; addresses: any[]; notReadyAddresses: any[] }>();
  let count = 0;
  let truncated = false;
  for (const b of bs) {
    if (b.terminating && !svc.spec?.publishNotReadyAddresses) continue;
    if (b.ports.length === 0 && (svc.spec?.ports ?? []).length > 0) continue;
    if (count >= MAX_ENDPOINTS) {
      truncated = true;
      continue;
    }
    count++;
    const key = JSON.stringify(b.ports);
    if (!groups.has(key)) groups.set(key, { ports: b.ports, addresses: [], notReadyAddresses: [] });
    const g = groups.get(key)!;
    (b.ready ? g.addresses : g.notReadyAddresses).push(address(svc, b));
  }
  const subsets = [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
  return { subsets, truncated };
}

/** Keeps Endpoints and EndpointSlices in step with Services and their pods. */
export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  private gate = new RevisionGate(['pods', 'services', 'endpoints', 'endpointslices.discovery.k8s.io']);

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    // Pods by namespace and each label, slices by owning Service: thousands of Services each
    // look at their candidates only, not at every pod and slice of their namespace.
    const pods = new LabelIndex<KubeObject>();
    for (const p of reg.scan(podsR)) pods.add(p.metadata.namespace!, p.metadata.labels, p);
    const slicesByOwner = new Map<string, KubeObject[]>();
    for (const sl of reg.list(sliceR, undefined).items) for (const o of sl.metadata.ownerReferences ?? []) pushTo(slicesByOwner, o.uid, sl);
    const services = reg.list(svcR, undefined).items;
    const wanted = new Set<string>();
    for (const svc of services) {
      if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0 || svc.spec.type === 'ExternalName' || svc.metadata.deletionTimestamp) continue;
      const ns = svc.metadata.namespace!;
      wanted.add(`${ns}/${svc.metadata.name}`);
      const bs = backends(svc, pods.candidates(ns, svc.spec.selector));
      this.syncEndpoints(reg, svc, bs);
      const owned = (slicesByOwner.get(svc.metadata.uid!) ?? []).filter((sl) => sl.metadata.namespace === ns && sl.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name);
      this.syncSlices(reg, svc, bs, owned);
    }
    // Endpoints this controller made for Services that are gone (slices go with their owner, by GC).
    for (const ep of reg.list(epR, undefined).items) {
      const key = `${ep.metadata.namespace}/${ep.metadata.name}`;
      if (!wanted.has(key) && ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] === 'true' && !services.some((s) => `${s.metadata.namespace}/${s.metadata.name}` === key && s.spec?.selector))
        reg.delete(epR, ep.metadata.namespace!, ep.metadata.name!);
    }
  }

  private syncEndpoints(reg: Registry, svc: KubeObject, bs: Backend[]): void {
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    const { subsets, truncated } = endpointSubsets(svc, bs);
    const labels = { ...(svc.metadata.labels ?? {}), 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    const annotations = truncated ? { 'endpoints.kubernetes.io/over-capacity': 'truncated' } : undefined;
    const body: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels, ...(annotations ? { annotations } : {}) }, ...(subsets.length ? { subsets } : {}) };
    const cur = reg.find(epR, ns, name);
    if (!cur) {
      reg.createTrusted(epR, ns, body);
      return;
    }
    if (jsonEqual(cur.subsets ?? [], subsets) && jsonEqual(cur.metadata.labels, labels) && jsonEqual(cur.metadata.annotations, annotations)) return;
    reg.updateTrusted(epR, { ...body, metadata: { ...cur.metadata, labels, annotations } });
  }

  /** `existing`: the Service's slices (its label, owned by it), in name order. */
  private syncSlices(reg: Registry, svc: KubeObject, bs: Backend[], existing: KubeObject[]): void {
    const ns = svc.metadata.namespace!;
    const svcName = svc.metadata.name!;
    const ports = (svc.spec?.ports ?? []).map((p: any) => ({ ...(p.name ? { name: p.name } : { name: '' }), port: resolveTargetPort(bs[0]?.pod ?? { metadata: {} }, p.targetPort, p.port) ?? p.port, protocol: p.protocol ?? 'TCP' }));
    const endpoints = bs.map((b) => ({
      addresses: [b.ip],
      conditions: { ready: b.ready, serving: b.terminating ? isPodReady(b.pod) : b.ready, terminating: b.terminating },
      ...hostnameFor(svc, b),
      nodeName: b.pod.spec?.nodeName,
      targetRef: { kind: 'Pod', name: b.pod.metadata.name, namespace: ns, uid: b.pod.metadata.uid },
    }));
    const chunks: any[][] = [];
    for (let i = 0; i < endpoints.length; i += MAX_PER_SLICE) chunks.push(endpoints.slice(i, i + MAX_PER_SLICE));
    if (chunks.length === 0) chunks.push([]);
    chunks.forEach((chunk, i) => {
      const cur = existing[i];
      const body = { addressType: 'IPv4', endpoints: chunk, ports };
      if (!cur) {
        reg.createTrusted(sliceR, ns, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            generateName: `${svcName}-`,
            labels: { 'kubernetes.io/service-name': svcName, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
            ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svcName, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          },
          ...body,
        });
      } else if (!jsonEqual({ addressType: cur.addressType, endpoints: cur.endpoints, ports: cur.ports }, body)) {
        reg.updateTrusted(sliceR, { ...cur, ...body });
      }
    });
    for (const extra of existing.slice(chunks.length)) reg.delete(sliceR, ns, extra.metadata.name!);
  }
}
