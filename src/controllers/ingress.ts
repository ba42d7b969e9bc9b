// A simulated ingress controller (ingress-nginx's place): it serves the Ingresses of the
// IngressClasses whose controller is `k8s.io/ingress-nginx` (the cluster's default class `nginx`),
// checks each backend against existing Services and ports, reports problems as events, and
// writes the address it listens on (the first node's IP, as with a hostPort ingress) to status.
import { jsonEqual } from '../api/equal.js';
import { resourceNamed } from '../api/resources.js';
import type { Ingress, IngressClass, IngressServiceBackend as ServiceBackend } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';

const ingR = resourceNamed('ingresses'), icR = resourceNamed('ingressclasses'), svcR = resourceNamed('services'), nodesR = resourceNamed('nodes');

export const INGRESS_CONTROLLER = 'k8s.io/ingress-nginx';
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** The IngressClass a new cluster has (the default). */
export function defaultIngressClass(): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx', annotations: { [DEFAULT_INGRESS_CLASS_ANNOTATION]: 'true' }, labels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' } },
    spec: { controller: INGRESS_CONTROLLER },
  };
}

/** Every Service backend an Ingress names: the default backend and each rule path's. */
export function ingressBackends(ing: Ingress): { host: string; path: string; service?: ServiceBackend }[] {
  const out: { host: string; path: string; service?: ServiceBackend }[] = [];
  const db = ing.spec?.defaultBackend;
  if (db) out.push({ host: '*', path: '', service: db.service });
  for (const rule of ing.spec?.rules ?? []) for (const p of rule.http?.paths ?? []) out.push({ host: rule.host ?? '*', path: p.path ?? '', service: p.backend?.service });
  return out;
}

/** Why a backend cannot be served (no such Service, or no such port on it), or undefined. */
export function backendProblem(reg: Registry, ns: string, b: ServiceBackend): string | undefined {
  const svc = reg.find(svcR, ns, b.name);
  if (!svc) return `service "${ns}/${b.name}" not found`;
  const ok = (svc.spec?.ports ?? []).some((p) => (b.port?.number !== undefined ? p.port === b.port.number : p.name === b.port?.name));
  if (!ok) return `service "${ns}/${b.name}" does not have any active endpoint for port ${b.port?.number ?? b.port?.name}`;
  return undefined;
}

export class IngressController implements Controller {
  readonly name = 'nginx-ingress-controller';
  private gate = new RevisionGate();
  /** What was last reported per Ingress (its version and its backends' problems): events once per change. */
  private reported = new Map<string, string>();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const ours = new Set(reg.list(icR, undefined).items.filter((c) => c.spec?.controller === INGRESS_CONTROLLER).map((c) => c.metadata.name));
    const node = reg.list(nodesR, undefined).items[0];
    const ip = (node?.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;
    for (const ing of reg.list(ingR, undefined).items) {
      const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.['kubernetes.io/ingress.class'];
      if (!cls || !ours.has(cls) || ing.metadata.deletionTimestamp) continue;
      try {
        this.syncOne(reg, ing, ip);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private syncOne(reg: Registry, ing: Ingress, ip: string | undefined): void {
    const ns = ing.metadata.namespace!;
    const source = { component: this.name };
    const problems = ingressBackends(ing)
      .map((b) => (b.service ? backendProblem(reg, ns, b.service) : undefined))
      .filter((p): p is string => !!p);
    const signature = `${ing.metadata.generation}|${problems.join(';')}`;
    if (this.reported.get(ing.metadata.uid!) !== signature) {
      this.reported.set(ing.metadata.uid!, signature);
      recordEvent(reg, source, ing, 'Normal', 'Sync', 'Scheduled for sync');
      for (const p of new Set(problems)) recordEvent(reg, source, ing, 'Warning', 'BackendNotFound', `Error obtaining Endpoints for Service ${p}`);
    }
    if (!ip) return;
    const want = { loadBalancer: { ingress: [{ ip }] } };
    if (!jsonEqual(ing.status ?? {}, want)) reg.writeStatus(ingR, ns, ing.metadata.name!, want);
  }
}
