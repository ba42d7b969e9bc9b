// pods/NAME/log for simulated containers: there is no real process, so the log is the
// container's lifecycle as the kubelet recorded it in its status (started, ready, stopped), one
// line per step, with RFC 3339 timestamps on request. `follow` streams the lines the container's
// next steps add, until that run of the container ends (as the kubelet's follow does).
import type { Pod } from '../api/types.js';
import { programOf } from '../sim/program.js';
import * as E from './errors.js';
import { requestedContainer } from './pod-container.js';

/** Options of a log request (the query parameters kubectl sends). */
export interface LogOptions {
  container?: string;
  timestamps?: boolean;
  tailLines?: number;
  previous?: boolean;
  /** Only lines from this clock time (ms) on: sinceSeconds / sinceTime. */
  since?: number;
  /** At most this many bytes of log. */
  limitBytes?: number;
}

/**
 * The logs of containers that run as real processes (the kubelet's process runtime keeps them;
 * the daemon passes them in, so the API server needs no kubelet): by container ID, one per run.
 */
export interface ProcessLogs {
  /** Every line of a run so far; undefined when that run was not a process. */
  logRecords(containerID: string | undefined): LogLine[] | undefined;
  /** Each new line of a run as it is written, then `ended` once the run has exited; returns a stop function. */
  followLog(containerID: string, onLine: (l: LogLine) => void, ended: () => void): () => void;
}

/** One line of a container's log: when, and what. */
export interface LogLine {
  time: string | undefined;
  text: string;
}

/** A line as served: with its RFC 3339 nanosecond timestamp first when asked for. */
export function formatLogLine(l: LogLine, timestamps: boolean | undefined): string {
  return (timestamps ? `${new Date(l.time ?? '').toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : '') + l.text + '\n';
}

/** The log of a pod's container as served: since, tail and byte limit applied; a Status error worded as the apiserver's. */
export function containerLog(pod: Pod, opts: LogOptions, processes?: ProcessLogs): string {
  return renderLog(logLines(pod, opts, processes).lines, opts);
}

/** Lines as served: since, tail and byte limit applied. */
export function renderLog(all: LogLine[], opts: LogOptions): string {
  let lines = all;
  if (opts.since !== undefined) lines = lines.filter((l) => l.time === undefined || Date.parse(l.time) >= opts.since!);
  if (opts.tailLines !== undefined && opts.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
  const text = lines.map((l) => formatLogLine(l, opts.timestamps)).join('');
  return opts.limitBytes !== undefined && opts.limitBytes > 0 ? Buffer.from(text).subarray(0, opts.limitBytes).toString() : text;
}

/**
 * Every line of the log of a pod's container (of its current run, or its previous one), and
 * whether that run has ended (a following stream then ends). Errors as containerLog's.
 */
export function logLines(pod: Pod, opts: Pick<LogOptions, 'container' | 'previous'>, processes?: ProcessLogs): { lines: LogLine[]; ended: boolean; run: string | undefined; process?: string } {
  const name = pod.metadata.name!;
  const { container: c, status: st } = requestedContainer(pod, opts.container);
  const cname = c.name;
  let state = opts.previous ? st?.lastState : st?.state;
  // A container waiting to restart (CrashLoopBackOff) still has its last run: its log is that
  // run's, as the kubelet serves it.
  if (!opts.previous && state?.waiting && st?.lastState?.terminated) state = st.lastState;
  if (opts.previous && !state?.terminated) throw E.badRequest(`previous terminated container "${cname}" in pod "${name}" not found`);
  if (!state || state.waiting) throw E.badRequest(`container "${cname}" in pod "${name}" is waiting to start: ${state?.waiting?.reason ?? 'ContainerCreating'}`);
  // A run that was a real process: what it wrote.
  const containerID = state.running ? st?.containerID : state.terminated?.containerID;
  const written = processes?.logRecords(containerID);
  if (written) return { lines: written, ended: !!state.terminated, run: containerID, process: containerID };
  const lines: LogLine[] = [];
  const line = (time: string | undefined, text: string) => lines.push({ time, text });
  const started = state.running?.startedAt ?? state.terminated?.startedAt;
  if (started) {
    line(started, `minik: container ${cname} started (image ${c.image ?? ''}, simulated: no process runs)`);
    // What its command echoes, as far as a reading of it tells.
    const kind = (pod.spec?.containers ?? []).some((x) => x.name === cname) ? 'app' : c.restartPolicy === 'Always' ? 'sidecar' : 'init';
    for (const out of programOf(pod, c, kind).output) line(started, out);
  }
  if (!opts.previous && st?.ready) {
    const ready = (pod.status?.conditions ?? []).find((x) => x.type === 'ContainersReady' && x.status === 'True');
    line(ready?.lastTransitionTime ?? started, `minik: container ${cname} is ready`);
  }
  // Deleted while this run was running: it got SIGTERM (the line stays once it has exited, so a
  // following reader's lines only ever grow).
  const deletion = pod.metadata.deletionTimestamp;
  const deletedAt = deletion && Date.parse(deletion) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  if (deletion && !opts.previous && (!state.terminated || Date.parse(state.terminated.finishedAt ?? '') >= (deletedAt as number))) line(deletion, `minik: container ${cname} received SIGTERM`);
  if (state.terminated) line(state.terminated.finishedAt, `minik: container ${cname} exited with code ${state.terminated.exitCode}${state.terminated.reason ? ` (${state.terminated.reason})` : ''}`);
  return { lines, ended: !!state.terminated, run: started };
}
