// `kubectl get pods` columns, including kubectl's STATUS reasoning (printPod).
import type { ContainerStatus, KubeObject, Pod } from '../types.js';
import { age } from '../duration.js';
import { type Column, nameColumn, ageColumn, orNone } from './column.js';

/** READY, STATUS and RESTARTS of a pod, computed the way kubectl's printPod does. */
export function podSummary(obj: KubeObject, now: number): { ready: string; status: string; restarts: string } {
  const pod = obj as Pod;
  const st = pod.status ?? {};
  const inits = pod.spec?.initContainers ?? [];
  const restartable = new Set(inits.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let total = (pod.spec?.containers ?? []).length + restartable.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = st.reason || st.phase || '';
  if ((st.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const finishedAt = (c: ContainerStatus) => Date.parse(c.lastState?.terminated?.finishedAt ?? '') || 0;
  let initializing = false;
  const initStatuses = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const isSidecar = restartable.has(c.name);
    if (isSidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c));
    }
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) continue;
    if (isSidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${inits.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = (st.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const cs = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  const terminal = st.phase === 'Succeeded' || st.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  total = Math.max(total, 0);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

export const podColumns: Column<Pod>[] = [
  nameColumn,
  { header: 'READY', value: (o, now) => podSummary(o, now).ready },
  { header: 'STATUS', value: (o, now) => podSummary(o, now).status },
  { header: 'RESTARTS', value: (o, now) => podSummary(o, now).restarts, type: 'integer' },
  ageColumn,
  { header: 'IP', wide: true, value: (o) => orNone(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP) },
  { header: 'NODE', wide: true, value: (o) => orNone(o.spec?.nodeName) },
  { header: 'NOMINATED NODE', wide: true, value: (o) => orNone(o.status?.nominatedNodeName) },
  {
    header: 'READINESS GATES',
    wide: true,
    value: (o) => {
      const gates: { conditionType: string }[] = o.spec?.readinessGates ?? [];
      if (gates.length === 0) return '<none>';
      const conds: { type: string; status: string }[] = o.status?.conditions ?? [];
      const ok = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length;
      return `${ok}/${gates.length}`;
    },
  },
];
