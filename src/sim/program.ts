// What a simulated container "does": how long it runs, how it exits, what it prints, and whether
// its probes pass. No process runs; the answer comes from the pod's annotations (which a manifest
// sets on purpose) or, failing those, from a reading of its command like a person would do
// (`sleep 5; exit 3`). Pure: the kubelet, the log endpoint and the tests all call it.
import { milliCPU, parseQuantity } from '../api/quantity.js';
import type { Container, Pod } from '../api/types.js';

/**
 * Annotations a manifest uses to choose what its simulated containers do. Each applies to every
 * container of the pod; `<key>.<container>` (for example `minik.dev/exit-code.migrate`) applies to
 * one container and wins.
 */
export const PROGRAM_ANNOTATIONS = {
  /** Seconds the container runs before it exits (a number, or `forever`). */
  runSeconds: 'minik.dev/run-seconds',
  /** The exit code it exits with (default 0). */
  exitCode: 'minik.dev/exit-code',
  /** `fail`: its liveness probe fails, so the kubelet restarts it. */
  liveness: 'minik.dev/liveness',
  /** `fail`: its readiness probe fails, so it never becomes Ready. */
  readiness: 'minik.dev/readiness',
  /** Simulated CPU use (a quantity, e.g. `250m`), shown by `top` and read by autoscalers. */
  cpuUsage: 'minik.dev/cpu-usage',
  /** Simulated memory use (e.g. `300Mi`); above the container's limit it is OOMKilled. */
  memoryUsage: 'minik.dev/memory-usage',
  /** `fail`: pulling its image fails (ErrImagePull, then ImagePullBackOff), as for an image that does not exist. */
  imagePull: 'minik.dev/image-pull',
} as const;

/** How long a container whose command is finite runs when nothing says otherwise. */
export const DEFAULT_RUN_SECONDS = 2;
/** When a container whose memory use exceeds its limit is killed, after it starts. */
export const OOM_AFTER_SECONDS = 1;

/** What one simulated container does each time it runs. */
export interface Program {
  /** Seconds from start to exit; Infinity for a server that runs until stopped. */
  runSeconds: number;
  exitCode: number;
  /** Lines it prints (its `echo`s). */
  output: string[];
  livenessFails: boolean;
  readinessFails: boolean;
  /** Its image cannot be pulled. */
  pullFails: boolean;
}

/** An annotation for one container: `<key>.<container>` first, then the pod-wide `<key>`. */
export function containerAnnotation(pod: Pod, container: string, key: string): string | undefined {
  const a = pod.metadata.annotations ?? {};
  return a[`${key}.${container}`] ?? a[key];
}

const LOOP = /\b(while|until|for)\b[^;]*;\s*do\b|\btail\s+-f\b|\bsleep\s+infinity\b/;
const SLEEP = /\bsleep\s+(\d+(?:\.\d+)?)([smhd]?)\b/g;
const EXIT = /\bexit\s+(\d+)\b/g;
const ECHO = /\becho\s+(?:"([^"]*)"|'([^']*)'|([^;&|]*))/g;
const UNIT: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** What a shell-ish command line does, as far as a reader can tell. */
export function readScript(script: string): { loops: boolean; finite: boolean; seconds?: number; exitCode?: number; output: string[] } {
  const output = [...script.matchAll(ECHO)].map((m) => (m[1] ?? m[2] ?? m[3] ?? '').trim());
  if (LOOP.test(script)) return { loops: true, finite: false, output };
  let seconds: number | undefined;
  for (const m of script.matchAll(SLEEP)) seconds = (seconds ?? 0) + Number(m[1]) * UNIT[m[2]];
  let exitCode: number | undefined;
  for (const m of script.matchAll(EXIT)) exitCode = Number(m[1]) & 255;
  if (exitCode === undefined && /(^|[\s;&|])false($|[\s;&|])/.test(script)) exitCode = 1;
  const explicitEnd = seconds !== undefined || exitCode !== undefined || /(^|[\s;&|])true($|[\s;&|])/.test(script) || output.length > 0;
  return { loops: false, finite: explicitEnd, seconds, exitCode, output };
}

/**
 * What a container does. `restartPolicy` is the container's effective policy: init containers run
 * to completion (sidecars, restartPolicy Always, run like servers); app containers of `Always`
 * pods run until stopped unless their command visibly ends; app containers of `Never`/`OnFailure`
 * pods (Jobs) run their command for a while and exit 0.
 */
export function programOf(pod: Pod, c: Container, kind: 'init' | 'sidecar' | 'app'): Program {
  const ann = (k: string) => containerAnnotation(pod, c.name, k);
  const words = [...(c.command ?? []), ...(c.args ?? [])];
  const script = readScript(words.join(' '));
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let runSeconds: number;
  if (kind === 'sidecar') runSeconds = Infinity;
  else if (kind === 'init' || policy !== 'Always') runSeconds = script.loops ? Infinity : (script.seconds ?? (script.finite ? 0 : DEFAULT_RUN_SECONDS));
  else runSeconds = script.finite ? (script.seconds ?? 0) : Infinity;
  const runAnn = ann(PROGRAM_ANNOTATIONS.runSeconds);
  if (runAnn !== undefined) runSeconds = /^(forever|infinity)$/i.test(runAnn) ? Infinity : Math.max(0, Number(runAnn) || 0);
  const exitAnn = ann(PROGRAM_ANNOTATIONS.exitCode);
  const exitCode = exitAnn !== undefined ? (Number(exitAnn) || 0) & 255 : (script.exitCode ?? 0);
  // An exit code chosen by annotation on a server means it exits (crashes) after its run time.
  if (exitAnn !== undefined && runAnn === undefined && runSeconds === Infinity && kind === 'app') runSeconds = DEFAULT_RUN_SECONDS;
  return {
    runSeconds,
    exitCode,
    output: script.output,
    livenessFails: ann(PROGRAM_ANNOTATIONS.liveness) === 'fail' && !!c.livenessProbe,
    readinessFails: ann(PROGRAM_ANNOTATIONS.readiness) === 'fail' && !!c.readinessProbe,
    pullFails: ann(PROGRAM_ANNOTATIONS.imagePull) === 'fail',
  };
}

/** A container's simulated resource use: millicores and bytes. */
export interface Usage {
  milliCPU: number;
  memory: number;
}

/**
 * Simulated use of one container: the annotations when set; otherwise a quiet app, a tenth of its
 * CPU request (at least 1m) and half its memory request (or 16Mi without one).
 */
export function containerUsage(pod: Pod, c: Container): Usage {
  const cpuAnn = containerAnnotation(pod, c.name, PROGRAM_ANNOTATIONS.cpuUsage);
  const memAnn = containerAnnotation(pod, c.name, PROGRAM_ANNOTATIONS.memoryUsage);
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuReq = milliCPU(req.cpu ?? lim.cpu ?? 0);
  const memReq = parseQuantity(req.memory ?? lim.memory ?? 0);
  return {
    milliCPU: cpuAnn !== undefined ? milliCPU(cpuAnn) : Math.max(1, Math.round(cpuReq / 10)),
    memory: memAnn !== undefined ? parseQuantity(memAnn) : memReq > 0 ? Math.round(memReq / 2) : 16 * 1024 * 1024,
  };
}

/** True when the container's simulated memory use is above its memory limit. */
export function exceedsMemoryLimit(pod: Pod, c: Container): boolean {
  const limit = c.resources?.limits?.memory;
  return limit !== undefined && containerUsage(pod, c).memory > parseQuantity(limit);
}
