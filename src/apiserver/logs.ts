// pods/NAME/log for simulated containers: there is no real process, so the log is the
// container's lifecycle as the kubelet recorded it in its status (started, ready, stopped), one
// line per step, with RFC 3339 timestamps on request.
import type { Container, Pod } from '../api/types.js';
import { programOf } from '../sim/program.js';
import * as E from './errors.js';

/** Options of a log request (the query parameters kubectl sends). */
export interface LogOptions {
  container?: string;
  timestamps?: boolean;
  tailLines?: number;
  previous?: boolean;
}


/** The log lines of a pod's container, or a Status error worded as the apiserver's. */
export function containerLog(pod: Pod, opts: LogOptions): string {
  const name = pod.metadata.name!;
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let cname = opts.container;
  if (!cname) {
    if ((pod.spec?.containers ?? []).length !== 1) throw E.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    cname = pod.spec.containers[0].name;
  }
  const c = containers.find((x) => x.name === cname);
  if (!c) throw E.badRequest(`container ${cname} is not valid for pod ${name}`);
  const st = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === cname);
  let state = opts.previous ? st?.lastState : st?.state;
  // A container waiting to restart (CrashLoopBackOff) still has its last run: its log is that
  // run's, as the kubelet serves it.
  if (!opts.previous && state?.waiting && st?.lastState?.terminated) state = st.lastState;
  if (opts.previous && !state?.terminated) throw E.badRequest(`previous terminated container "${cname}" in pod "${name}" not found`);
  if (!state || state.waiting) throw E.badRequest(`container "${cname}" in pod "${name}" is waiting to start: ${state?.waiting?.reason ?? 'ContainerCreating'}`);
  const lines: [string | undefined, string][] = [];
  const started = state.running?.startedAt ?? state.terminated?.startedAt;
  if (started) {
    lines.push([started, `minik: container ${cname} started (image ${c.image ?? ''}, simulated: no process runs)`]);
    // What its command echoes, as far as a reading of it tells.
    const kind = (pod.spec?.containers ?? []).some((x) => x.name === cname) ? 'app' : c.restartPolicy === 'Always' ? 'sidecar' : 'init';
    for (const line of programOf(pod, c, kind).output) lines.push([started, line]);
  }
  if (!opts.previous && st?.ready) {
    const ready = (pod.status?.conditions ?? []).find((x) => x.type === 'ContainersReady' && x.status === 'True');
    lines.push([ready?.lastTransitionTime ?? started, `minik: container ${cname} is ready`]);
  }
  if (state.terminated) lines.push([state.terminated.finishedAt, `minik: container ${cname} exited with code ${state.terminated.exitCode}${state.terminated.reason ? ` (${state.terminated.reason})` : ''}`]);
  else if (pod.metadata.deletionTimestamp) lines.push([pod.metadata.deletionTimestamp, `minik: container ${cname} received SIGTERM`]);
  let out = lines.map(([t, l]) => (opts.timestamps ? `${new Date(t ?? '').toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${l}` : l));
  if (opts.tailLines !== undefined && opts.tailLines >= 0) out = out.slice(Math.max(0, out.length - opts.tailLines));
  return out.map((l) => l + '\n').join('');
}
