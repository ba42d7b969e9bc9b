// The process runtime: containers whose image the operator's allowlist names run as real
// processes on this machine (docs/runtime.md). Each pod has a directory of its own (its volumes as
// files, its containers' working directories) and a loopback address; each container run is a
// process in its own process group, with an environment built from the pod only, as the user the
// runtime config says (never root unless it allows it). Its output goes to a log file per run;
// its probes run against it. Stopping follows Kubernetes: SIGTERM to the container's process,
// SIGKILL to its whole group when the grace period ends; when the main process exits, what is left
// of its group is killed. The kubelet decides (containers.ts); this file does and observes.
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod, Probe } from '../../api/types.js';
import type { ImageEntry, ProcessSettings } from '../../state/runtime-config.js';
import { containerArgv, imageEntryFor, programPath, startFailure } from './programs.js';
import { LogWriter, type LogRecord, parseLog } from './logs.js';
import { ProbeState, probeOnce, type ProbeExec } from './probes.js';
import { materializeVolumes, workingDirectory } from './volumes.js';
import type { EnvSources } from './env.js';
import { type LoopbackBlock, claimLoopbackBlock } from './loopback.js';
import { sampleGroups, usageBetween } from './usage.js';
import type { MeasuredUsage } from '../../sim/usage.js';
import { parseQuantity } from '../../api/quantity.js';

/**
 * Where the pods' files of a daemon whose processes run as another user live (that user cannot
 * reach into the private state dir): one directory per state dir under the system's temporary
 * directory. Whoever removes a state dir for good (the tests) removes this too.
 */
export function sharedPodFilesDir(stateDir: string): string {
  return path.join(os.tmpdir(), `minik-pods-${crypto.createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 12)}`);
}

/** What the kubelet sees of a container run. */
export interface ProcessObservation {
  /** It has exited: its exit code, and the kubelet's reason. */
  exit?: { code: number; reason: string; message?: string };
  /** The kubelet killed it because a probe failed: which, and the probe's last failure. */
  killedFor?: { probe: 'Liveness' | 'Startup'; message: string };
  /** Its startup probe has passed (or it has none). */
  started: boolean;
  /** Its readiness probe passes (or it has none and it has started). */
  ready: boolean;
  /** The readiness probe's last failure while not ready. */
  readinessFailure?: string;
}

/** A run the kubelet asks for. */
export interface Launch {
  pod: Pod;
  c: Container;
  containerID: string;
  restartCount: number;
  env: Record<string, string>;
  sources: EnvSources;
}

/** What commands run inside a container use: its directory, environment, user and programs. */
export interface ContainerContext {
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  entry: ImageEntry;
  address: string;
}

interface Run {
  id: string;
  podUid: string;
  container: Container;
  child: ChildProcess;
  pgid: number | undefined;
  context: ContainerContext;
  log: LogWriter;
  exit?: ProcessObservation['exit'];
  killedFor?: ProcessObservation['killedFor'];
  /** The memory limit (bytes), if the container has one: above it the group is OOM-killed. */
  memoryLimit?: number;
  /** What it used at the last sample. */
  usage?: { milliCPU: number; memory: number };
  lastSample?: { ticks: number; at: number };
  oomKilled?: boolean;
  startup?: ProbeState;
  liveness?: ProbeState;
  readiness?: ProbeState;
  timers: NodeJS.Timeout[];
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
  output: Set<(stream: 'stdout' | 'stderr', data: Buffer) => void>;
}

interface PodState {
  uid: string;
  dir: string;
  runs: Map<string, Run>;
  terminating: boolean;
}

/** A process's exit code as a container's: its own, or 128 + the signal that ended it. */
export function processExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}

/** The runtime of one daemon; `stateDir` is its state dir. */
export class ProcessRuntime {
  private pods = new Map<string, PodState>();
  private runs = new Map<string, Run>();
  private readonly podsDir: string;
  private readonly logsDir: string;
  private readonly claimsDir: string;
  private readonly pidsFile: string;
  /** This daemon's block of loopback addresses (loopback.ts). */
  private loopback: LoopbackBlock;
  /** Called when something a kubelet decides on changed for a pod (a run exited, a probe flipped). */
  onChange: (podUid: string) => void = () => {};

  constructor(
    readonly settings: ProcessSettings,
    stateDir: string,
    private log: (line: string) => void = () => {},
    /** The cluster's clock: log lines are stamped with it (as `since` and the statuses read it). */
    private now: () => number = Date.now,
  ) {
    const own = process.getuid?.() ?? 0;
    const runtimeDir = path.join(stateDir, 'runtime');
    fs.mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
    this.logsDir = path.join(runtimeDir, 'logs');
    this.pidsFile = path.join(runtimeDir, 'pids');
    // Processes of another user cannot reach into the (private) state dir: their pods' directories
    // are then under the system's temporary directory, one per state dir.
    const switching = own === 0 && settings.user !== undefined && settings.user.uid !== 0;
    const base = switching ? sharedPodFilesDir(stateDir) : runtimeDir;
    fs.mkdirSync(base, { recursive: true, mode: switching ? 0o711 : 0o700 });
    if (switching) fs.chmodSync(base, 0o711);
    this.podsDir = path.join(base, 'pods');
    this.claimsDir = path.join(base, 'claims');
    fs.mkdirSync(this.podsDir, { recursive: true, mode: switching ? 0o711 : 0o700 });
    if (switching) {
      fs.chmodSync(this.podsDir, 0o711);
      // Found from the state dir all the same: <state dir>/runtime/pods leads there.
      const link = path.join(runtimeDir, 'pods');
      fs.rmSync(link, { force: true });
      fs.symlinkSync(this.podsDir, link);
    }
    this.killLeftovers();
    this.loopback = claimLoopbackBlock(path.resolve(stateDir));
    const images = settings.images.map((e) => e.image).join(', ');
    const who = switching ? `uid ${settings.user!.uid}` : own === 0 ? (settings.allowRoot ? 'root' : 'nobody yet: no processes.user and root not allowed') : `uid ${own}`;
    log(`process runtime on: images ${images}; processes run as ${who}; pods' files in ${this.podsDir}; pod addresses 127.${this.loopback.octet}.0.0/16`);
  }

  /** A process pod's address: the loopback twin, in this daemon's block, of the IP its node gave it. */
  address(podIP: string): string {
    return this.loopback.address(podIP);
  }

  /** The allowlist entry a container's image runs as, if any. */
  entryFor(c: Container): ImageEntry | undefined {
    return imageEntryFor(this.settings, c.image);
  }

  /** Who a container's process runs as: the container's or pod's runAsUser (when the daemon can switch), the config's user, or the daemon's. */
  userFor(pod: Pod, c: Container): { uid: number; gid: number } {
    const own = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    if (own.uid !== 0) return own;
    const sc = (c.securityContext ?? {}) as { runAsUser?: number; runAsGroup?: number };
    const psc = (pod.spec?.securityContext ?? {}) as { runAsUser?: number; runAsGroup?: number };
    const uid = sc.runAsUser ?? psc.runAsUser ?? this.settings.user?.uid ?? 0;
    const gid = sc.runAsGroup ?? psc.runAsGroup ?? this.settings.user?.gid ?? uid;
    return { uid, gid };
  }

  /** Why a container may not run as a process (it would run as root), if so: kept waiting, as CreateContainerConfigError. */
  refusal(pod: Pod, c: Container): string | undefined {
    const { uid } = this.userFor(pod, c);
    if (uid !== 0) return undefined;
    const nonRoot = ((c.securityContext as { runAsNonRoot?: boolean } | undefined)?.runAsNonRoot ?? (pod.spec?.securityContext as { runAsNonRoot?: boolean } | undefined)?.runAsNonRoot) === true;
    if (nonRoot) return `container has runAsNonRoot and image will run as root (pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${c.name})`;
    if (!this.settings.allowRoot) return `minik runs no process as root: the runtime config's processes.user names the user to run as (or processes.allowRoot allows root); see docs/runtime.md`;
    return undefined;
  }

  private podState(pod: Pod): PodState {
    const uid = pod.metadata.uid!;
    let st = this.pods.get(uid);
    if (!st) {
      st = { uid, dir: path.join(this.podsDir, uid), runs: new Map(), terminating: false };
      this.pods.set(uid, st);
    }
    return st;
  }

  /** Starts a run; an error message (containerd's words) when it cannot start. */
  start(l: Launch): string | undefined {
    const { pod, c } = l;
    const entry = this.entryFor(c);
    if (!entry) return startFailure(`image ${JSON.stringify(c.image)} is not one the runtime config runs`);
    const argv = containerArgv(entry, c, l.env);
    if ('error' in argv) return argv.error;
    const st = this.podState(pod);
    if (st.terminating) return startFailure('the pod is being stopped');
    const user = this.userFor(pod, c);
    const own = process.getuid?.() ?? 0;
    const switching = own === 0 && user.uid !== own;
    let cwd: string;
    try {
      fs.mkdirSync(st.dir, { recursive: true, mode: 0o700 });
      const chown = (p: string) => {
        if (switching) fs.chownSync(p, user.uid, user.gid);
      };
      chown(st.dir);
      materializeVolumes(pod, st.dir, this.claimsDir, l.sources, chown);
      cwd = workingDirectory(st.dir, c);
      fs.mkdirSync(cwd, { recursive: true });
      chown(cwd);
    } catch (e) {
      return startFailure(`error mounting the pod's volumes: ${(e as Error).message}`);
    }
    const env = { HOME: cwd, ...l.env };
    const address = pod.status?.podIP ?? '127.0.0.1';
    const context: ContainerContext = { cwd, env, ...(switching ? { uid: user.uid, gid: user.gid } : {}), entry, address };
    const child = spawn(argv.argv[0], argv.argv.slice(1), { cwd, env, detached: true, stdio: [c.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], ...(switching ? { uid: user.uid, gid: user.gid } : {}) });
    const logSpawnError = (e: Error) => this.log(`process runtime: ${pod.metadata.namespace}/${pod.metadata.name} container ${c.name}: ${argv.argv[0]}: ${e.message}`);
    if (child.pid === undefined) {
      // It did not start (Node says why only later, in an 'error' event): a StartError now.
      child.on('error', logSpawnError);
      return startFailure(`exec: "${argv.argv[0]}": ${fs.existsSync(argv.argv[0]) ? 'permission denied' : 'no such file or directory'}`);
    }
    const logFile = path.join(this.logsDir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`, c.name, `${l.restartCount}.log`);
    const log = new LogWriter(logFile, this.now);
    let settle!: () => void;
    const run: Run = { id: l.containerID, podUid: st.uid, container: c, child, pgid: child.pid, context, log, timers: [], exited: new Promise((r) => (settle = r)), output: new Set() };
    this.runs.set(run.id, run);
    st.runs.set(c.name, run);
    fs.appendFileSync(this.pidsFile, `${child.pid}\n`);
    const out = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
      log.write(stream, d);
      for (const fn of run.output) fn(stream, d);
    };
    child.stdout!.on('data', out('stdout'));
    child.stderr!.on('data', out('stderr'));
    child.stdin?.on('error', () => {});
    const finish = (exit: ProcessObservation['exit']) => {
      if (run.exit) return;
      run.exit = exit;
      log.end();
      for (const t of run.timers) clearTimeout(t);
      if (run.killTimer) clearTimeout(run.killTimer);
      // What is left of the container's process group goes with it, as with its cgroup.
      this.signalGroup(run, 'SIGKILL');
      settle();
      this.onChange(st.uid);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      logSpawnError(e);
      finish({ code: 128, reason: 'StartError', message: startFailure(`exec: ${e.code === 'ENOENT' ? `"${argv.argv[0]}": no such file or directory` : e.message}`) });
    });
    child.on('close', (code, signal) => {
      if (code === null && signal === null) return;
      const exitCode = processExitCode(code, signal);
      log.end();
      // FallbackToLogsOnError: a failed run's message is the end of its log, as the kubelet takes it.
      const message = exitCode !== 0 && c.terminationMessagePolicy === 'FallbackToLogsOnError' ? log.tail() : '';
      finish(run.oomKilled ? { code: 137, reason: 'OOMKilled', ...(message ? { message } : {}) } : { code: exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', ...(message ? { message } : {}) });
    });
    const limit = (c.resources?.limits as Record<string, string | number> | undefined)?.memory;
    if (limit !== undefined) run.memoryLimit = parseQuantity(limit);
    this.startProbes(run, pod);
    this.startSampling();
    return undefined;
  }

  private startProbes(run: Run, pod: Pod): void {
    const c = run.container;
    const probeExec: ProbeExec = (command, timeoutMs) => this.runCommand(run.context, command, timeoutMs);
    const started = () => !run.startup || run.startup.passing;
    // A probe on its timers: each attempt's outcome goes to `state`, then to `after` (told whether
    // the result flipped); attempts wait while `gate()` is false and end with the run or `done()`.
    const schedule = (probe: Probe, state: ProbeState, after: (flipped: boolean) => void, gate = () => true, done = () => false) => {
      const attempt = async () => {
        if (run.exit || done()) return;
        if (gate()) {
          const outcome = await probeOnce(probe, c, run.context.address, probeExec);
          if (run.exit) return;
          after(state.record(outcome));
          if (done()) return;
        }
        run.timers.push(setTimeout(attempt, (probe.periodSeconds ?? 10) * 1000).unref());
      };
      run.timers.push(setTimeout(attempt, (probe.initialDelaySeconds ?? 0) * 1000).unref());
    };
    if (c.startupProbe) {
      const startup = (run.startup = new ProbeState(c.startupProbe, false));
      const after = (flipped: boolean) => {
        if (flipped) this.onChange(run.podUid);
        else if (startup.failedOut) this.killFor(run, pod, 'Startup', startup.lastFailure);
      };
      schedule(c.startupProbe, startup, after, undefined, () => startup.passing || !!run.killedFor);
    }
    if (c.livenessProbe) {
      const liveness = (run.liveness = new ProbeState(c.livenessProbe, true));
      schedule(c.livenessProbe, liveness, (flipped) => flipped && !liveness.passing && this.killFor(run, pod, 'Liveness', liveness.lastFailure), started);
    }
    if (c.readinessProbe) {
      run.readiness = new ProbeState(c.readinessProbe, false);
      schedule(c.readinessProbe, run.readiness, (flipped) => flipped && this.onChange(run.podUid), started);
    }
  }

  /** A failing liveness or startup probe: the container is stopped (its grace period) and restarted per policy. */
  private killFor(run: Run, pod: Pod, probe: 'Liveness' | 'Startup', message: string): void {
    if (run.exit || run.killedFor) return;
    run.killedFor = { probe, message };
    this.onChange(run.podUid);
    this.stop(run, pod.spec?.terminationGracePeriodSeconds ?? 30);
  }

  private signalGroup(run: Run, signal: NodeJS.Signals): void {
    try {
      if (run.pgid !== undefined) process.kill(-run.pgid, signal);
    } catch {
      // the group is gone
    }
  }

  /** SIGTERM to the container's (main) process, as the runtime sends it. */
  private sigterm(run: Run): void {
    try {
      if (run.child.pid !== undefined) process.kill(run.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }

  /** SIGTERM to the container's process; SIGKILL to its group when `graceSeconds` have passed. */
  private stop(run: Run, graceSeconds: number): void {
    if (run.exit || run.killTimer) return;
    this.sigterm(run);
    run.killTimer = setTimeout(() => this.signalGroup(run, 'SIGKILL'), Math.max(0, graceSeconds) * 1000);
    run.killTimer.unref();
  }

  /** What a run has done so far (undefined: not a run of this runtime). */
  observe(containerID: string | undefined): ProcessObservation | undefined {
    const run = containerID ? this.runs.get(containerID) : undefined;
    if (!run) return undefined;
    const started = !run.startup || run.startup.passing;
    const ready = started && (!run.readiness || run.readiness.passing);
    return { exit: run.exit, killedFor: run.killedFor, started, ready, ...(run.readiness && !run.readiness.passing && run.readiness.lastFailure ? { readinessFailure: run.readiness.lastFailure } : {}) };
  }

  /** The pod is being deleted: each running container gets SIGTERM, then SIGKILL after the grace period. */
  terminatePod(uid: string, graceSeconds: number): void {
    const st = this.pods.get(uid);
    if (!st || st.terminating) return;
    st.terminating = true;
    for (const run of st.runs.values()) this.stop(run, graceSeconds);
  }

  /** Whether any process of the pod still runs. */
  podRunning(uid: string): boolean {
    const st = this.pods.get(uid);
    return !!st && [...st.runs.values()].some((r) => !r.exit);
  }

  /** Whether the runtime has anything of the pod. */
  hasPod(uid: string): boolean {
    return this.pods.has(uid);
  }

  /**
   * Pods the kubelets no longer have (removed, force-deleted): their processes are stopped (1 s of
   * grace), then their directories and logs are removed.
   */
  reconcile(live: Set<string>): void {
    for (const st of this.pods.values()) {
      if (live.has(st.uid)) continue;
      this.terminatePod(st.uid, 1);
      if (this.podRunning(st.uid)) continue;
      this.pods.delete(st.uid);
      // Every run of the pod (st.runs has only each container's last).
      for (const [id, run] of this.runs) if (run.podUid === st.uid) this.runs.delete(id);
      fs.rmSync(st.dir, { recursive: true, force: true });
      let logDirs: string[] = [];
      try {
        logDirs = fs.readdirSync(this.logsDir);
      } catch {
        // no container of any pod has logged yet
      }
      for (const d of logDirs) if (d.endsWith(`_${st.uid}`)) fs.rmSync(path.join(this.logsDir, d), { recursive: true, force: true });
    }
  }

  private sampler?: NodeJS.Timeout;

  /** Samples what the running processes use every second (while any runs); kills a group over its memory limit, as the OOM killer would. */
  private startSampling(): void {
    if (this.sampler || process.platform !== 'linux') return;
    this.sampler = setInterval(() => {
      const live = [...this.runs.values()].filter((r) => !r.exit && r.pgid !== undefined);
      if (live.length === 0) {
        clearInterval(this.sampler);
        this.sampler = undefined;
        return;
      }
      const now = Date.now();
      const groups = sampleGroups(new Set(live.map((r) => r.pgid!)));
      for (const run of live) {
        const g = groups.get(run.pgid!);
        if (!g) continue;
        run.usage = usageBetween(run.lastSample, g, run.lastSample ? now - run.lastSample.at : 0);
        run.lastSample = { ticks: g.ticks, at: now };
        if (run.memoryLimit !== undefined && g.rss > run.memoryLimit && !run.oomKilled) {
          run.oomKilled = true;
          this.log(`process runtime: container ${run.container.name} (${run.id}) uses ${g.rss} bytes, over its limit of ${run.memoryLimit}: killed`);
          this.signalGroup(run, 'SIGKILL');
        }
      }
    }, 1000);
    this.sampler.unref();
  }

  /** What a running container used at the last sample (undefined: not a process, or not sampled yet): for the metrics API and the HPA. */
  readonly measuredUsage: MeasuredUsage = (pod, container) => {
    const run = this.pods.get(pod.metadata.uid!)?.runs.get(container);
    return run && !run.exit ? run.usage : undefined;
  };

  /** Stops every process: SIGTERM, then SIGKILL to what is left after `graceMs`. Resolves when all have exited. */
  async shutdown(graceMs = 1500): Promise<void> {
    const live = [...this.runs.values()].filter((r) => !r.exit);
    for (const run of live) this.sigterm(run);
    const timer = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([Promise.all(live.map((r) => r.exited)), timer]);
    for (const run of live) this.signalGroup(run, 'SIGKILL');
    await Promise.race([Promise.all(live.map((r) => r.exited)), new Promise<void>((r) => setTimeout(r, 500).unref())]);
    fs.rmSync(this.pidsFile, { force: true });
    if (this.sampler) clearInterval(this.sampler);
    this.loopback.release();
  }

  /** Process groups a daemon that died left behind (their directory is one of this runtime's pods): killed. */
  private killLeftovers(): void {
    let pids: string[] = [];
    try {
      pids = fs.readFileSync(this.pidsFile, 'utf8').split('\n').filter(Boolean);
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
        if (cwd.startsWith(this.podsDir + path.sep)) {
          process.kill(-Number(pid), 'SIGKILL');
          this.log(`process runtime: killed process group ${pid}, left by a daemon that stopped without stopping it`);
        }
      } catch {
        // gone, or not ours
      }
    }
    fs.rmSync(this.pidsFile, { force: true });
  }

  // What the API server's streams use.

  /** The log records of a run, if it ran as a process. */
  logRecords(containerID: string | undefined): LogRecord[] | undefined {
    const run = containerID ? this.runs.get(containerID) : undefined;
    if (!run) return undefined;
    try {
      return parseLog(fs.readFileSync(run.log.file, 'utf8'));
    } catch {
      return [];
    }
  }

  /** Follows a run's log: each new record, then `ended` once the run has exited. */
  followLog(containerID: string, onRecord: (r: LogRecord) => void, ended: () => void): () => void {
    const run = this.runs.get(containerID);
    if (!run || run.exit) {
      queueMicrotask(ended);
      return () => {};
    }
    const unsubscribe = run.log.subscribe(onRecord);
    let done = false;
    void run.exited.then(() => {
      if (!done) ended();
    });
    return () => {
      done = true;
      unsubscribe();
    };
  }

  /** The context commands in a running container use, if it runs as a process. */
  contextOf(podUid: string, container: string): ContainerContext | undefined {
    const run = this.pods.get(podUid)?.runs.get(container);
    return run && !run.exit ? run.context : undefined;
  }

  /** The running process of a container (attach), if any. */
  processOf(podUid: string, container: string): { stdin?: NodeJS.WritableStream; output: Set<(stream: 'stdout' | 'stderr', data: Buffer) => void>; exited: Promise<void>; exitCode(): number | undefined } | undefined {
    const run = this.pods.get(podUid)?.runs.get(container);
    if (!run || run.exit) return undefined;
    return { stdin: run.child.stdin ?? undefined, output: run.output, exited: run.exited, exitCode: () => run.exit?.code };
  }

  /** Runs a command in a container's context (exec probes). */
  runCommand(ctx: ContainerContext, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string } | { error: string }> {
    const program = command.length ? programPath(ctx.entry, command[0]) : undefined;
    if (!program) return Promise.resolve({ error: command.length ? `exec: "${command[0]}": executable file not found in $PATH` : 'no command' });
    return new Promise((resolve) => {
      const child = spawn(program, command.slice(1), { cwd: ctx.cwd, env: ctx.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(ctx.uid !== undefined ? { uid: ctx.uid, gid: ctx.gid } : {}) });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
        resolve({ error: `command ${JSON.stringify(command.join(' '))} timed out` });
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ error: e.message });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ exitCode: processExitCode(code, signal), output });
      });
    });
  }
}

