// `minikctl rollout status|history|undo|restart|pause|resume` for Deployments (and, except
// pause/resume, DaemonSets and StatefulSets), worded as kubectl.
import type { Command } from 'commander';
import { rfc3339 } from '../../api/duration.js';
import { selectorString } from '../../api/labels.js';
import { progressOf, withProgress } from '../progress.js';
import { type ResourceInfo, qualifiedPlural, qualifiedSingular, resourceNamed } from '../../api/resources.js';
import type { KubeObject, ControllerRevision, DaemonSet, DaemonSetStatus, Deployment, DeploymentStatus, KubeList, PodTemplateSpec, ReplicaSet, StatefulSet, StatefulSetStatus } from '../../api/types.js';

/** The kinds `rollout` works on. */
type Workload = Deployment | DaemonSet | StatefulSet;

/** A revision of a workload: a Deployment's ReplicaSet, or a ControllerRevision in its shape. */
type HistoryEntry = KubeObject & { spec?: { template?: Partial<PodTemplateSpec> } };

interface RolloutState {
  message: string;
  done: boolean;
  failed?: boolean;
}
import { type Client, resourcePath } from '../../client/client.js';
import { sameTemplate } from '../../api/pod-template.js';
import { layoutCells } from '../../printers/tabwriter.js';
import { DescribeWriter } from '../../printers/describe/writer.js';
import { describePodTemplate } from '../../printers/describe/pod-template.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { parseDuration, waitFor } from '../waiting.js';
import { collect, resolveNamespace } from '../flags.js';
import { resolveFileTargets } from '../manifest-objects.js';

const rsR = resourceNamed('replicasets'), crR = resourceNamed('controllerrevisions');
const REVISION = 'deployment.kubernetes.io/revision';

interface RolloutOptions {
  namespace?: string;
  filename?: string[];
  recursive?: boolean;
  timeout?: string;
  watch?: boolean;
  revision?: string;
  toRevision?: string;
}

/** kubectl's rollout status message for a Deployment, and whether it is done (or failed). */
export function deploymentStatus(d: Deployment): RolloutState {
  const name = d.metadata.name;
  const st: DeploymentStatus = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...', done: false };
  const progressing = (st.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { message: `deployment "${name}" exceeded its progress deadline`, done: false, failed: true };
  const replicas = d.spec?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < replicas) return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`, done: false };
  if ((st.replicas ?? 0) > updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...`, done: false };
  if ((st.availableReplicas ?? 0) < updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...`, done: false };
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}

/** kubectl's rollout status message for a DaemonSet. */
export function daemonSetStatus(o: DaemonSet): RolloutState {
  const name = o.metadata.name;
  const st: Partial<DaemonSetStatus> = o.status ?? {};
  if ((o.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError('error: rollout status is only available for RollingUpdate strategy type');
  if ((o.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) return { message: 'Waiting for daemon set spec update to be observed...', done: false };
  const desired = st.desiredNumberScheduled ?? 0;
  if ((st.updatedNumberScheduled ?? 0) < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...`, done: false };
  if ((st.numberAvailable ?? 0) < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...`, done: false };
  return { message: `daemon set "${name}" successfully rolled out`, done: true };
}

/** kubectl's rollout status message for a StatefulSet. */
export function statefulSetStatus(o: StatefulSet): RolloutState {
  const st: Partial<StatefulSetStatus> = o.status ?? {};
  if ((o.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError('error: rollout status is only available for RollingUpdate strategy type');
  if (st.observedGeneration === undefined || (o.metadata.generation ?? 0) > st.observedGeneration) return { message: 'Waiting for statefulset spec update to be observed...', done: false };
  const replicas = o.spec?.replicas ?? 1;
  if ((st.readyReplicas ?? 0) < replicas) return { message: `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...`, done: false };
  // kubectl takes the partitioned branch whenever a partition is set, and the apiserver defaults
  // it to 0: so a plain StatefulSet reports "partitioned roll out complete", as with kubectl.
  const partition = o.spec?.updateStrategy?.rollingUpdate?.partition;
  if (partition !== undefined && partition !== null) {
    if ((st.updatedReplicas ?? 0) < replicas - partition) return { message: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...`, done: false };
    return { message: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...`, done: true };
  }
  if (st.updateRevision !== st.currentRevision) return { message: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...`, done: false };
  return { message: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...`, done: true };
}

/** The rollout state of an object, by the kind of its resource (which says what the object is). */
const STATUS_OF: Record<string, (o: Workload) => RolloutState> = {
  Deployment: (o) => deploymentStatus(o as Deployment),
  DaemonSet: (o) => daemonSetStatus(o as DaemonSet),
  StatefulSet: (o) => statefulSetStatus(o as StatefulSet),
};

function rolloutSupported(r: ResourceInfo): void {
  if (!STATUS_OF[r.kind]) throw new CliError(`error: no rollout support has been implemented for ${qualifiedPlural(r)} yet in minik (Deployments, DaemonSets and StatefulSets)`);
}

function onlyDeployments(r: ResourceInfo, name: string, verb: string): void {
  if (r.kind !== 'Deployment') throw new CliError(`error: ${qualifiedPlural(r)} "${name}" ${verb} is not supported`);
}

async function target(ctx: Context, args: string[], opts: RolloutOptions): Promise<{ client: Client; r: ResourceInfo; ns: string; name: string; d: Workload }> {
  const [q] = await parseResourceArgs(ctx, args, 'rollout');
  if (!q || q.names.length !== 1) throw new CliError('error: required resource not specified');
  rolloutSupported(q.r);
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  // rolloutSupported: a Deployment, DaemonSet or StatefulSet.
  const d = (await client.get(resourcePath(q.r, ns, q.names[0]))).body as Workload;
  return { client, r: q.r, ns, name: q.names[0], d };
}

async function status(ctx: Context, args: string[], opts: RolloutOptions): Promise<number> {
  if (opts.filename?.length) {
    // Each object of the files in turn; the first without a rollout status ends it, as kubectl's.
    const { objects, errors } = await resolveFileTargets(ctx, args, opts);
    for (const e of errors) ctx.err(e);
    if (errors.length) return 1;
    const client = await ctx.client();
    for (const o of objects) {
      if (!STATUS_OF[o.r.kind]) throw new CliError(`error: no status viewer has been implemented for ${o.r.kind}`);
      const d = (await client.get(resourcePath(o.r, o.namespace, o.name))).body as Workload;
      const code = await watchStatus(ctx, client, o.r, o.namespace, o.name, d, opts);
      if (code !== 0) return code;
    }
    return 0;
  }
  const { client, r, ns, name, d } = await target(ctx, args, opts);
  return watchStatus(ctx, client, r, ns, name, d, opts);
}

/** Prints a workload's rollout status until it is done (or once, with --watch=false). */
async function watchStatus(ctx: Context, client: Client, r: ResourceInfo, ns: string, name: string, d: Workload, opts: RolloutOptions): Promise<number> {
  let last = '';
  let failed = false;
  const show = (o: Workload) => {
    const s = STATUS_OF[r.kind](o);
    if (s.failed) {
      failed = true;
      return true;
    }
    if (s.message !== last) ctx.out(`${s.message}\n`);
    last = s.message;
    return s.done || opts.watch === false;
  };
  if (show(d)) return failed ? fail(ctx, client, r, ns, d) : 0;
  const deadline = opts.timeout && opts.timeout !== '0s' && opts.timeout !== '0' ? Date.now() + parseDuration(opts.timeout) : undefined;
  const ok = await withProgress(ctx, () => progressOf(client, r, ns, name), waitFor(client, r, ns, name, (o) => !o || show(o as Workload), deadline));
  if (failed) return fail(ctx, client, r, ns, d);
  if (!ok) throw new CliError('error: timed out waiting for the condition');
  return 0;
}

/** kubectl's error for a rollout past its deadline, then what its pods lack (why it is stuck). */
async function fail(ctx: Context, client: Client, r: ResourceInfo, ns: string, d: Workload): Promise<number> {
  ctx.err(`error: deployment "${d.metadata.name}" exceeded its progress deadline`);
  const why = await progressOf(client, r, ns, d.metadata.name!).catch(() => undefined);
  if (why) ctx.err(why);
  return 1;
}

async function ownedReplicaSets(client: Client, d: Deployment): Promise<ReplicaSet[]> {
  const list = (await client.get<KubeList<ReplicaSet>>(resourcePath(rsR, d.metadata.namespace), { labelSelector: selectorString(d.spec?.selector) })).body.items;
  return list.filter((rs) => (rs.metadata.ownerReferences ?? []).some((o) => o.uid === d.metadata.uid)).sort((a, b) => revision(a) - revision(b));
}

const revision = (rs: HistoryEntry) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

function templateWithoutHash(rs: HistoryEntry): Partial<PodTemplateSpec> {
  const t: Partial<PodTemplateSpec> = structuredClone(rs.spec?.template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t;
}

/** A DaemonSet's or StatefulSet's ControllerRevisions, as ReplicaSet-like history entries. */
async function ownedRevisions(client: Client, o: Workload): Promise<HistoryEntry[]> {
  const list = (await client.get<KubeList<ControllerRevision>>(resourcePath(crR, o.metadata.namespace))).body.items;
  return list
    .filter((cr) => (cr.metadata.ownerReferences ?? []).some((x) => x.uid === o.metadata.uid))
    .map((cr): HistoryEntry => {
      const { $patch: _, ...template } = cr.data?.spec?.template ?? {};
      return { ...cr, metadata: { ...cr.metadata, annotations: { ...(cr.metadata.annotations ?? {}), [REVISION]: String(cr.revision ?? 0) } }, spec: { template } };
    })
    .sort((a, b) => revision(a) - revision(b));
}

/** The history entries of a workload: ReplicaSets for Deployments, ControllerRevisions otherwise. */
function historyOf(client: Client, r: ResourceInfo, o: Workload): Promise<HistoryEntry[]> {
  return r.kind === 'Deployment' ? ownedReplicaSets(client, o as Deployment) : ownedRevisions(client, o);
}

async function history(ctx: Context, args: string[], opts: RolloutOptions): Promise<number> {
  const { client, r, name, d } = await target(ctx, args, opts);
  const rss = await historyOf(client, r, d);
  if (rss.length === 0) throw new CliError(`error: no rollout history found for deployment "${name}"`);
  if (opts.revision) {
    const rs = rss.find((x) => revision(x) === Number(opts.revision));
    if (!rs) throw new CliError(`error: unable to find the specified revision`);
    // kubectl describes the revision's template (pod-template-hash included) with tabs, unaligned.
    const w = new DescribeWriter();
    describePodTemplate(w, 0, rs.spec?.template);
    ctx.out(`${qualifiedSingular(r)}/${name} with revision #${opts.revision}\n${w.unaligned()}\n`);
    return 0;
  }
  const rows = [['REVISION', 'CHANGE-CAUSE'], ...rss.map((rs) => [String(revision(rs)), rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>'])];
  // kubectl's history table is laid out with padding 2, and ends with a blank line.
  ctx.out(`${qualifiedSingular(r)}/${name} \n${layoutCells(rows, 0, 2)}\n`);
  return 0;
}

async function undo(ctx: Context, args: string[], opts: RolloutOptions): Promise<number> {
  const { client, r, ns, name, d } = await target(ctx, args, opts);
  const rss = await historyOf(client, r, d);
  if (rss.length === 0) throw new CliError(`error: no rollout history found for deployment "${name}"`);
  const current = r.kind === 'Deployment' ? Number(d.metadata.annotations?.[REVISION] ?? 0) : Math.max(...rss.filter((x) => sameTemplate(templateWithoutHash(x), d.spec?.template)).map(revision), 0);
  let to: HistoryEntry | undefined;
  if (opts.toRevision && Number(opts.toRevision) !== 0) {
    to = rss.find((rs) => revision(rs) === Number(opts.toRevision));
    if (!to) throw new CliError(`error: unable to find specified revision ${opts.toRevision} in history`);
  } else {
    to = [...rss].reverse().find((rs) => revision(rs) < current);
    if (!to) throw new CliError('error: no rollout history found for deployment "' + name + '"');
  }
  const tpl = templateWithoutHash(to);
  if (sameTemplate(tpl, d.spec?.template)) {
    ctx.out(`${qualifiedSingular(r)}/${name} skipped rollback (current template already matches revision ${revision(to)})\n`);
    return 0;
  }
  await client.request('PATCH', resourcePath(r, ns, name), { body: [{ op: 'replace', path: '/spec/template', value: tpl }], contentType: 'application/json-patch+json' });
  ctx.out(`${qualifiedSingular(r)}/${name} rolled back\n`);
  return 0;
}

async function patchTemplate(ctx: Context, args: string[], opts: RolloutOptions, verb: string, patch: (d: Workload) => object | CliError): Promise<number> {
  const { client, r, ns, name, d } = await target(ctx, args, opts);
  if (verb !== 'restarted') onlyDeployments(r, name, verb === 'paused' ? 'pausing' : 'resuming');
  const p = patch(d);
  if (p instanceof CliError) throw p;
  await client.request('PATCH', resourcePath(r, ns, name), { body: p, contentType: 'application/strategic-merge-patch+json' });
  ctx.out(`${qualifiedSingular(r)}/${name} ${verb}\n`);
  return 0;
}

/** Registers `rollout`. */
export function registerRollout(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const rollout = program.command('rollout').description('Manage the rollout of a resource');
  const ns = (c: Command) => c.option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request');
  ns(rollout.command('status').description('Show the status of the rollout').argument('[args...]'))
    .option('-f, --filename <file>', 'Files or directories identifying the resources (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('--timeout <duration>', 'The length of time to wait before ending watch (e.g. 60s)')
    .option('-w, --watch [bool]', 'Watch the status of the rollout until it is done (default true)', (v: string) => v !== 'false')
    .action((args: string[], o: RolloutOptions) => done(status(ctx(), args, o)));
  ns(rollout.command('history').description('View rollout history').argument('<args...>'))
    .option('--revision <n>', 'See the details of this revision')
    .action((args: string[], o: RolloutOptions) => done(history(ctx(), args, o)));
  ns(rollout.command('undo').description('Undo a previous rollout').argument('<args...>'))
    .option('--to-revision <n>', 'The revision to roll back to (default: the previous one)')
    .action((args: string[], o: RolloutOptions) => done(undo(ctx(), args, o)));
  ns(rollout.command('restart').description('Restart a resource').argument('<args...>')).action((args: string[], o: RolloutOptions) =>
    done(patchTemplate(ctx(), args, o, 'restarted', () => ({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': rfc3339(Date.now()) } } } } }))),
  );
  ns(rollout.command('pause').description('Mark the provided resource as paused').argument('<args...>')).action((args: string[], o: RolloutOptions) =>
    done(patchTemplate(ctx(), args, o, 'paused', (d) => ((d as Deployment).spec?.paused ? new CliError(`error: deployments.apps "${d.metadata.name}" is already paused`) : { spec: { paused: true } }))),
  );
  ns(rollout.command('resume').description('Resume a paused resource').argument('<args...>')).action((args: string[], o: RolloutOptions) =>
    done(patchTemplate(ctx(), args, o, 'resumed', (d) => (!(d as Deployment).spec?.paused ? new CliError(`error: deployments.apps "${d.metadata.name}" is not paused`) : { spec: { paused: null } }))),
  );
}
