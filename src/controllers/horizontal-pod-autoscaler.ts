// The HorizontalPodAutoscaler controller (autoscaling/v2, Resource metrics): every 15 s it reads
// the usage of the target's pods (simulated, or measured for processes), computes desired =
// ceil(current * usage / target) (no change within the 10 % tolerance), limits scale-up to
// max(2x, +4) per period, keeps the highest recommendation of the scale-down stabilization window
// (300 s by default), clamps to min/max, and writes the target's /scale.
import { milliCPU, parseQuantity } from '../api/quantity.js';
import { matches, parseSelector } from '../api/labels.js';
import { isPodActive, isPodReady } from '../api/pods.js';
import { resourceForKind, resourceNamed } from '../api/resources.js';
import type { Condition, Container, HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, Pod, Scale } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { getScale, updateScale } from '../apiserver/scale.js';
import { rfc3339 } from '../api/duration.js';
import { containerUsage } from '../sim/program.js';
import type { MeasuredUsage } from '../sim/usage.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';

const hpaR = resourceNamed('horizontalpodautoscalers'), podsR = resourceNamed('pods');

/** How often each HPA is evaluated (kube-controller-manager's --horizontal-pod-autoscaler-sync-period). */
export const HPA_SYNC_MS = 15_000;
export const TOLERANCE = 0.1;
export const DEFAULT_SCALE_DOWN_WINDOW_S = 300;

/**
 * Replicas a metric asks for: ceil(ratio * current), unless within the 10 % tolerance. `ratio` is
 * usage / target over the `ready` pods; pods not ready yet count as using nothing when scaling up
 * and exactly the target when scaling down (so a starting pod never causes a flap).
 */
export function replicasForRatio(current: number, ready: number, ratio: number): number {
  if (Math.abs(ratio - 1) <= TOLERANCE) return current;
  const missing = Math.max(0, current - ready);
  const total = ready + missing;
  const adjusted = missing === 0 ? ratio : ratio < 1 ? (ratio * ready + missing) / total : (ratio * ready) / total;
  if (Math.abs(adjusted - 1) <= TOLERANCE || (ratio < 1 && adjusted > 1) || (ratio > 1 && adjusted < 1)) return current;
  return Math.ceil(adjusted * total);
}

/** The default scale-up limit per period: double, or four more pods, whichever is more. */
export function scaleUpLimit(current: number): number {
  return Math.max(2 * current, current + 4);
}

interface MetricResult {
  desired: number;
  current: MetricValueStatus;
  description: string;
}

export class HorizontalPodAutoscalerController implements Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private gate = new RevisionGate();
  /** Recommendations per HPA uid: [time, replicas], for the stabilization windows. */
  private history = new Map<string, [number, number][]>();
  private lastRun = new Map<string, number>();

  /** `measured`: what containers that run as processes really use (the kubelet measures it); others are simulated. */
  constructor(private measured?: MeasuredUsage) {}

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const now = reg.clock.now();
    for (const hpa of reg.list(hpaR, undefined).items) {
      const uid = hpa.metadata.uid!;
      const last = this.lastRun.get(uid);
      if (last !== undefined && now - last < HPA_SYNC_MS && (hpa.status?.observedGeneration ?? 0) >= (hpa.metadata.generation ?? 0)) {
        this.gate.wakeAt(last + HPA_SYNC_MS);
        continue;
      }
      this.lastRun.set(uid, now);
      this.gate.wakeAt(now + HPA_SYNC_MS);
      try {
        this.syncOne(reg, hpa, now);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private syncOne(reg: Registry, hpa: HorizontalPodAutoscaler, now: number): void {
    const ns = hpa.metadata.namespace!;
    const spec = hpa.spec ?? {};
    const source = { component: this.name };
    const st = new HpaConditions(hpa, rfc3339(now));
    const writeStatus = (extra: Partial<NonNullable<HorizontalPodAutoscaler['status']>>) => {
      const status = { ...(hpa.status ?? {}), observedGeneration: hpa.metadata.generation, ...extra, conditions: st.ordered() };
      reg.writeStatus(hpaR, ns, hpa.metadata.name!, status);
    };

    const ref: Partial<HorizontalPodAutoscaler['spec']['scaleTargetRef']> = spec.scaleTargetRef ?? {};
    const targetR = resourceForKind(ref.apiVersion ?? 'apps/v1', ref.kind ?? '');
    let scale: Scale;
    try {
      if (!targetR || !targetR.subresources.includes('scale')) throw new Error(`the server could not find the requested resource`);
      scale = getScale(reg, targetR, ns, ref.name ?? '');
    } catch (e) {
      const msg = e instanceof StatusError ? e.message : (e as Error).message;
      st.set('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`);
      recordEvent(reg, source, hpa, 'Warning', 'FailedGetScale', msg);
      writeStatus({});
      return;
    }
    const current: number = scale.spec?.replicas ?? 0;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas ?? min;
    if (current === 0 && min !== 0) {
      st.set('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
      st.set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      writeStatus({ currentReplicas: 0, desiredReplicas: 0 });
      return;
    }

    const { results, currentMetrics } = this.measure(reg, hpa, st, parseSelector(scale.status?.selector ?? ''), current);
    st.set('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
    if (results.length === 0) {
      writeStatus({ currentReplicas: current, desiredReplicas: hpa.status?.desiredReplicas ?? current });
      return;
    }
    const best = results.reduce((a, b) => (b.desired > a.desired ? b : a));
    st.set('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best.description}`);

    // A newly seen HPA starts with the current size as a recommendation (as the controller does),
    // so it cannot scale down before the window has passed.
    const windows = {
      downMs: (spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? DEFAULT_SCALE_DOWN_WINDOW_S) * 1000,
      upMs: (spec.behavior?.scaleUp?.stabilizationWindowSeconds ?? 0) * 1000,
    };
    const uid = hpa.metadata.uid!;
    const { desired: stabilized, history } = stabilize(this.history.get(uid) ?? [[now, current]], now, current, best.desired, windows);
    this.history.set(uid, history);
    const { desired, limit } = limitReplicas(stabilized, min, max);
    if (limit === 'max') st.set('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count');
    else if (limit === 'min') st.set('ScalingLimited', 'True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count');
    else st.set('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range');

    const extra: Partial<NonNullable<HorizontalPodAutoscaler['status']>> = { currentReplicas: current, desiredReplicas: desired, currentMetrics };
    if (desired !== current) {
      updateScale(reg, targetR!, ns, ref.name ?? '', 'merge', { spec: { replicas: desired } }, {});
      const reason = desired > current ? `${best.description} above target` : 'All metrics below target';
      recordEvent(reg, source, hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      st.set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      extra.lastScaleTime = rfc3339(now);
    } else {
      st.set('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    }
    writeStatus(extra);
  }

  /** Each metric's recommendation (the metrics minik can compute), and the status's currentMetrics. */
  private measure(reg: Registry, hpa: HorizontalPodAutoscaler, st: HpaConditions, sel: ReturnType<typeof parseSelector>, current: number): { results: MetricResult[]; currentMetrics: MetricStatus[] } {
    const source = { component: this.name };
    const pods = reg.list(podsR, hpa.metadata.namespace!).items.filter((p) => isPodActive(p) && matches(sel, p.metadata.labels));
    const results: MetricResult[] = [];
    const currentMetrics: MetricStatus[] = [];
    const defaultMetric: MetricSpec = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
    for (const m of hpa.spec?.metrics ?? [defaultMetric]) {
      if (m.type !== 'Resource' && m.type !== 'ContainerResource') {
        st.set('ScalingActive', 'False', 'InvalidMetricSourceType', `the HPA was unable to compute the replica count: metric type ${m.type} is not served by minik's simulated metrics`);
        continue;
      }
      const src: { name: string; target?: MetricTarget; container?: string } | undefined = m.resource ?? m.containerResource;
      if (!src) continue;
      const r = this.resourceMetric(pods, src.name, src.target ?? {}, m.type === 'ContainerResource' ? src.container : undefined, current);
      if (typeof r === 'string') {
        st.set('ScalingActive', 'False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${r}`);
        recordEvent(reg, source, hpa, 'Warning', 'FailedGetResourceMetric', r);
        continue;
      }
      results.push(r);
      currentMetrics.push(m.type === 'Resource' ? { type: 'Resource', resource: { name: src.name, current: r.current } } : { type: 'ContainerResource', containerResource: { name: src.name, container: src.container ?? '', current: r.current } });
    }
    return { results, currentMetrics };
  }

  /** One Resource metric: the replicas it asks for, or why it cannot be computed. */
  private resourceMetric(pods: Pod[], resource: string, target: Partial<MetricTarget>, container: string | undefined, current: number): MetricResult | string {
    const measure = resource === 'cpu' ? (u: { milliCPU: number; memory: number }) => u.milliCPU : (u: { milliCPU: number; memory: number }) => u.memory;
    const request = (c: Container) => {
      const q = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
      return q === undefined ? undefined : resource === 'cpu' ? milliCPU(q) : parseQuantity(q);
    };
    const ready = pods.filter((p) => p.status?.phase === 'Running' && isPodReady(p));
    if (ready.length === 0) return `did not receive metrics for targeted pods (pods might be unready)`;
    let usage = 0;
    let requests = 0;
    for (const p of ready) {
      for (const c of p.spec?.containers ?? []) {
        if (container && c.name !== container) continue;
        usage += measure(this.measured?.(p, c.name) ?? containerUsage(p, c));
        const req = request(c);
        if (target.type === 'Utilization' && req === undefined) return `failed to get ${resource} utilization: missing request for ${resource} in container ${c.name} of Pod ${p.metadata.name}`;
        requests += req ?? 0;
      }
    }
    const description = container ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
    if (target.type === 'Utilization') {
      const utilization = requests > 0 ? Math.round((usage * 100) / requests) : 0;
      const desired = replicasForRatio(current, ready.length, utilization / (target.averageUtilization ?? 80));
      const avg = usage / ready.length;
      return { desired, current: { averageUtilization: utilization, averageValue: resource === 'cpu' ? `${Math.round(avg)}m` : `${Math.round(avg)}` }, description };
    }
    const targetAvg = resource === 'cpu' ? milliCPU(target.averageValue ?? '0') : parseQuantity(target.averageValue ?? '0');
    const avg = usage / ready.length;
    const desired = targetAvg > 0 ? replicasForRatio(current, ready.length, avg / targetAvg) : current;
    return { desired, current: { averageValue: resource === 'cpu' ? `${Math.round(avg)}m` : `${Math.round(avg)}` }, description: `${resource} resource` };
  }
}

/** An HPA's conditions as a sync sets them: a transition time kept while the status stays. */
class HpaConditions {
  private list: Condition[];
  constructor(
    hpa: HorizontalPodAutoscaler,
    private now: string,
  ) {
    this.list = [...(hpa.status?.conditions ?? [])];
  }

  set(type: string, status: 'True' | 'False', reason: string, message: string): void {
    const i = this.list.findIndex((c) => c.type === type);
    const prev = i >= 0 ? this.list[i] : undefined;
    const c: Condition = { type, status, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : this.now, reason, message };
    if (i < 0) this.list.push(c);
    else this.list[i] = c;
  }

  /** In kubectl's order: AbleToScale, ScalingActive, ScalingLimited. */
  ordered(): Condition[] {
    const o = ['AbleToScale', 'ScalingActive', 'ScalingLimited'];
    return [...this.list].sort((a, b) => o.indexOf(a.type) - o.indexOf(b.type));
  }
}

/**
 * The stabilization windows: a scale-down goes only to the highest recommendation of the down
 * window, a scale-up (with an up window) only to the lowest of the up window, and a scale-up is
 * limited to max(2x, +4). `history` holds [time, recommendation] pairs; returns the desired size
 * and the history to keep (this recommendation added, those older than both windows dropped).
 */
export function stabilize(history: [number, number][], now: number, current: number, recommended: number, windows: { downMs: number; upMs: number }): { desired: number; history: [number, number][] } {
  const { downMs, upMs } = windows;
  const kept = history.filter(([t]) => now - t < Math.max(downMs, upMs, 1) || t === now);
  kept.push([now, recommended]);
  let desired = recommended;
  if (desired < current) desired = Math.min(current, Math.max(...kept.filter(([t]) => now - t < downMs || t === now).map(([, d]) => d)));
  else if (desired > current && upMs > 0) desired = Math.max(current, Math.min(...kept.filter(([t]) => now - t < upMs || t === now).map(([, d]) => d)));
  if (desired > current) desired = Math.min(desired, scaleUpLimit(current));
  return { desired, history: kept };
}

/** The desired size within minReplicas..maxReplicas, and which bound it hit. */
export function limitReplicas(desired: number, min: number, max: number): { desired: number; limit?: 'min' | 'max' } {
  if (desired > max) return { desired: max, limit: 'max' };
  if (desired < min) return { desired: min, limit: 'min' };
  return { desired };
}
