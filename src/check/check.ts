// `minikctl check`'s one code path: read a set of manifests, apply it as one set (in install
// order) to a throwaway in-process cluster, check every reference, run the cluster on virtual
// time until it settles, and report every problem with its file and line. The command is a thin
// edge over runCheck(); tests call it directly.
import { resolveServed } from '../api/conversion.js';
import { BUILTIN, type ResourceInfo, resourceForKind } from '../api/resources.js';
import { catalogWith, isManifestCRD } from '../api/custom-resources.js';
import type { KubeObject, Status } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import { type ManifestObject, readManifests } from '../manifests/reader.js';
import type { NodePool } from '../sim/node-pool.js';
import { ThrowawayCluster } from './cluster.js';
import { type CheckReport, type CheckedObject, type Finding, type ObjectRef, sortFindings } from './findings.js';
import { installOrder } from './order.js';
import { outcomes } from './outcomes.js';
import { type SetObject, checkReferences } from './references.js';

/** What to check and how. */
export interface CheckOptions {
  /** Files, folders, `-` (stdin) or URLs. */
  paths: string[];
  recursive: boolean;
  readStdin: () => Promise<string>;
  /** The namespace of objects that name none (default `default`). */
  namespace?: string;
  nodes: NodePool;
  /** Run the cluster (default); false checks schema, admission and references only. */
  simulate: boolean;
  /** Most simulated time to run (default 15 minutes). */
  horizonMs: number;
  /** Simulated time without progress after which the cluster counts as settled (default 5 minutes). */
  quietMs: number;
  /** Wall-clock start of simulated time (default now: CronJob schedules are read against it). */
  start?: number;
}

export const DEFAULT_HORIZON_MS = 15 * 60_000;
export const DEFAULT_QUIET_MS = 5 * 60_000;

/** The input cannot be checked at all (a missing path, binary data, an alias bomb, nothing to read): exit 2. */
export class CheckInputError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
  }
}

/** One object of the set, resolved to its resource. */
interface Resolved extends ManifestObject {
  r: ResourceInfo;
  namespace: string;
  ref: ObjectRef;
}

const refOf = (o: KubeObject, namespace: string, r?: ResourceInfo): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind ?? '',
  ...(r?.namespaced !== false && namespace ? { namespace } : {}),
  name: o.metadata?.name ?? o.metadata?.generateName ?? '',
});

/** Runs a check. Throws CheckInputError for input that cannot be checked; everything else is a finding. */
export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  const read = await readManifests(opts.paths, opts.recursive, opts.readStdin);
  const inputErrors = read.errors.filter((e) => e.kind === 'input').map((e) => e.text);
  if (inputErrors.length) throw new CheckInputError(inputErrors);
  if (read.sources.length === 0) throw new CheckInputError([`error: no manifests (.yaml, .yml or .json files) found in ${opts.paths.join(', ')}`]);

  const findings: Finding[] = read.errors.map((e) => ({ severity: 'error', check: 'parse', message: e.message, source: e.source, ...(e.line ? { line: e.line } : {}) }));
  const objects: CheckedObject[] = [];
  const resolved: Resolved[] = [];
  // Custom objects are checked against the CRDs of the set (installed first, as apply does).
  const crds = read.objects.map((m) => m.object).filter(isManifestCRD);
  const cat = crds.length ? catalogWith(crds) : BUILTIN;
  for (const m of read.objects) {
    // A version served only by conversion (autoscaling/v1 HPAs) is checked as the stored one.
    const { r, object: o } = resolveServed(m.object, cat);
    const namespace = r?.namespaced ? o.metadata.namespace || opts.namespace || 'default' : '';
    const ref = refOf(o, namespace, r);
    objects.push({ ref, source: m.source, line: m.line });
    if (!r) {
      findings.push({ severity: 'error', check: 'schema', message: `resource mapping not found for name: "${ref.name}" namespace: "${o.metadata.namespace ?? ''}": no matches for kind "${o.kind}" in version "${o.apiVersion}"; ensure CRDs are installed first`, source: m.source, line: m.line, object: ref });
      continue;
    }
    if (r.namespaced) o.metadata.namespace = namespace;
    resolved.push({ ...m, object: o, r, namespace, ref });
  }

  // The same object twice: apply would keep the last one; so does the check, and says so.
  const last = new Map<string, Resolved>();
  const keyOf = (x: Resolved) => `${x.r.group}/${x.r.kind}/${x.namespace}/${x.ref.name}`;
  for (const x of resolved) {
    const prev = last.get(keyOf(x));
    if (prev && x.ref.name)
      findings.push({
        severity: 'error',
        check: 'duplicate',
        message: `${x.r.kind} "${x.ref.name}" is defined more than once (also at ${prev.source}:${prev.line}); apply would keep only the last one`,
        source: x.source,
        line: x.line,
        object: x.ref,
      });
    last.set(keyOf(x), x);
  }
  const set = resolved.filter((x) => !x.ref.name || last.get(keyOf(x)) === x);

  const cluster = new ThrowawayCluster(opts.nodes, opts.start ?? Date.now());
  try {
    const applied: SetObject[] = [];
    cluster.reg.transaction(() => {
      for (const x of installOrder(set, (y) => y.r.kind)) {
        const warnings: string[] = [];
        // kubectl validates strictly by default: an unknown field fails the apply (reported even
        // when the object is refused for other reasons too).
        const unknownFields = () => {
          for (const w of warnings) {
            const field = /^unknown field "(.*)"$/.exec(w)?.[1];
            findings.push({ severity: 'error', check: 'schema', message: w, source: x.source, line: (field && x.lineOf?.(field)) || x.line, object: x.ref, ...(field ? { field } : {}) });
          }
        };
        try {
          // Read from the manifest for this check alone: the cluster may keep it as its stored
          // object (defaults added) instead of copying it; the reference check only reads it.
          cluster.reg.savepoint(() => cluster.reg.create(x.r, x.namespace, x.object, { fieldValidation: 'Warn', warnings, owned: true }));
        } catch (e) {
          if (e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists') {
            // A system object the cluster already has (the default namespace): apply would update it.
          } else if (e instanceof StatusError) {
            unknownFields();
            findings.push(...admissionFindings(x, e.status));
            continue;
          } else throw e;
        }
        unknownFields();
        applied.push({ object: x.object, namespace: x.namespace, source: x.source, line: x.line, lineOf: x.lineOf });
      }
    });

    const builtins = {
      has: (kind: string, ns: string, name: string) => {
        if (kind === 'ServiceAccount' && name === 'default') return true;
        const r = resourceForKind(kind === 'StorageClass' ? 'storage.k8s.io/v1' : kind === 'IngressClass' || kind === 'Ingress' ? 'networking.k8s.io/v1' : kind === 'PriorityClass' ? 'scheduling.k8s.io/v1' : kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet' ? 'apps/v1' : 'v1', kind);
        return !!r && !!cluster.reg.find(r, ns, name);
      },
    };
    findings.push(...checkReferences(set.map((x) => ({ object: x.object, namespace: x.namespace, source: x.source, line: x.line, lineOf: x.lineOf })), builtins));

    let simulation: CheckReport['simulation'];
    if (opts.simulate && applied.length > 0) {
      const run = cluster.settle(opts.horizonMs, opts.quietMs);
      simulation = { ms: run.ms, settled: run.settled };
      findings.push(...withoutRestatedCauses(outcomes(cluster.reg, applied, run.ms), findings));
    }
    return { sources: read.sources, objects, findings: sortFindings(findings, read.sources), ...(simulation ? { simulation } : {}) };
  } finally {
    cluster.close();
  }
}

/**
 * What running shows, less what only restates a cause already found at its line: the kubelet's
 * `configmap "x" not found` after the reference check said so, an autoscaler that cannot find the
 * target the check reported missing, a Service without endpoints whose selector or port was reported.
 */
function withoutRestatedCauses(found: Finding[], known: Finding[]): Finding[] {
  const same = (a: Finding, b: Finding) => a.source === b.source && a.object?.kind === b.object?.kind && a.object?.name === b.object?.name && a.object?.namespace === b.object?.namespace;
  return found.filter((f) => !known.some((k) => k.check === 'reference' && same(f, k) && (f.message.endsWith(k.message) || (f.check === 'service' && k.object?.kind === 'Service'))));
}

/** An admission refusal as findings: one per failing field (with its line), or the message. */
function admissionFindings(x: Resolved, status: Status): Finding[] {
  const causes = status.details?.causes ?? [];
  const check = status.code === 400 ? 'schema' : 'admission';
  if (status.code === 422 && causes.length > 0) {
    const text = status.message ?? '';
    const head = text.slice(0, text.indexOf(' is invalid: ') + ' is invalid: '.length);
    return causes.map((c) => ({
      severity: 'error' as const,
      check,
      message: `${head}${c.field ? `${c.field}: ` : ''}${c.message}`,
      source: x.source,
      line: (c.field && x.lineOf?.(c.field)) || x.line,
      object: x.ref,
      ...(c.field ? { field: c.field } : {}),
    }));
  }
  return [{ severity: 'error', check, message: status.message ?? status.reason ?? 'refused', source: x.source, line: x.line, object: x.ref }];
}
