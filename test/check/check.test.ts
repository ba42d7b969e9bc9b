// runCheck on a folder of broken manifests (one defect per file) and on clean ones: every finding
// with its severity, object, file:line and message as Kubernetes words it.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckOptions, DEFAULT_HORIZON_MS, DEFAULT_QUIET_MS, runCheck } from '../../src/check/check.js';
import type { CheckReport, Finding } from '../../src/check/findings.js';
import { DEFAULT_NODES } from '../../src/sim/node-pool.js';

const FIXTURES = path.join(__dirname, 'fixtures');
const BROKEN = path.join(FIXTURES, 'broken');
const START = Date.parse('2026-11-23T10:00:00Z');

export function options(paths: string[], extra: Partial<CheckOptions> = {}): CheckOptions {
  return { paths, recursive: false, readStdin: async () => '', nodes: DEFAULT_NODES, simulate: true, horizonMs: DEFAULT_HORIZON_MS, quietMs: DEFAULT_QUIET_MS, start: START, ...extra };
}

let broken: CheckReport;
const inFile = (file: string) => broken.findings.filter((f) => f.source === path.join(BROKEN, file));
const brief = (f: Finding) => ({ severity: f.severity, check: f.check, line: f.line, object: f.object ? `${f.object.kind}/${f.object.name}` : undefined, message: f.message });

beforeAll(async () => {
  broken = await runCheck(options([BROKEN]));
});

describe('minikctl check on broken manifests', () => {
  it('reports a YAML syntax error with its line', () => {
    expect(inFile('syntax-error.yaml').map(brief)).toEqual([{ severity: 'error', check: 'parse', line: 7, object: undefined, message: expect.stringMatching(/^yaml: /) }]);
  });

  it('reports an unknown field at its line, as strict decoding does', () => {
    expect(inFile('unknown-field.yaml').map(brief)).toEqual([{ severity: 'error', check: 'schema', line: 6, object: 'Deployment/typo', message: 'unknown field "spec.replica"' }]);
  });

  it("reports a selector that does not match the template with the apiserver's message, at the field", () => {
    expect(inFile('selector-mismatch.yaml').map(brief)).toEqual([
      {
        severity: 'error',
        check: 'admission',
        line: 11,
        object: 'Deployment/mismatch',
        message: 'Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: {"app":"something-else"}: `selector` does not match template `labels`',
      },
    ]);
  });

  it('reports an invalid name at metadata.name', () => {
    const [f] = inFile('invalid-name.yaml');
    expect(brief(f)).toMatchObject({ severity: 'error', check: 'admission', line: 4, object: 'ConfigMap/Bad_Name' });
    expect(f.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
  });

  it('reports a missing ConfigMap at the reference, and the rollout it stalls (the kubelet saying the same is not repeated)', () => {
    expect(inFile('missing-configmap.yaml').map(brief)).toEqual([
      { severity: 'error', check: 'rollout', line: 1, object: 'Deployment/needs-config', message: 'deployment "needs-config" exceeded its progress deadline' },
      { severity: 'error', check: 'reference', line: 17, object: 'Deployment/needs-config', message: 'configmap "app-config" not found' },
    ]);
  });

  it('reports a missing ServiceAccount, and the rollout it stalls (its pods are refused at admission)', () => {
    expect(inFile('missing-service-account.yaml').map(brief)).toEqual([
      { severity: 'error', check: 'rollout', line: 1, object: 'Deployment/builder', message: 'deployment "builder" exceeded its progress deadline' },
      { severity: 'error', check: 'reference', line: 12, object: 'Deployment/builder', message: 'error looking up service account default/builder-sa: serviceaccount "builder-sa" not found' },
    ]);
  });

  it('reports a Deployment a ResourceQuota stops short, once, with the quota\'s message', () => {
    const found = inFile('quota-exceeded.yaml').map(brief);
    expect(found).toEqual([
      { severity: 'error', check: 'rollout', line: 11, object: 'Deployment/web', message: expect.stringMatching(/^Error creating: pods "web-[a-z0-9]+-[a-z0-9]+" is forbidden: exceeded quota: compute, requested: requests.cpu=250m, used: requests.cpu=1, limited: requests.cpu=1$/) },
      { severity: 'error', check: 'rollout', line: 11, object: 'Deployment/web', message: 'deployment "web" exceeded its progress deadline' },
    ]);
  });

  it('reports a StorageClass that does not exist, and the claim left Pending', () => {
    expect(inFile('missing-storage-class.yaml').map(brief)).toEqual([
      { severity: 'error', check: 'reference', line: 6, object: 'PersistentVolumeClaim/fast-data', message: 'storageclass.storage.k8s.io "fast" not found' },
    ]);
  });

  it('reports an Ingress backend port the Service does not have', () => {
    expect(inFile('ingress-port.yaml').map(brief)).toEqual([{ severity: 'error', check: 'reference', line: 39, object: 'Ingress/frontend', message: 'service "frontend" has no port 8080' }]);
  });

  it('reports an autoscaler whose target does not exist', () => {
    expect(inFile('hpa-no-target.yaml').map(brief)).toEqual([{ severity: 'error', check: 'reference', line: 9, object: 'HorizontalPodAutoscaler/ghost', message: `the HPA controller was unable to get the target's current scale: deployments.apps "ghost" not found` }]);
  });

  it('warns about a Service whose selector matches no pod template', () => {
    expect(inFile('service-selects-nothing.yaml').map(brief)).toEqual([
      {
        severity: 'warning',
        check: 'reference',
        line: 6,
        object: 'Service/orphan',
        message: 'the selector app=nobody matches no pod template in the checked set: the Service will have no endpoints',
      },
    ]);
  });

  it('reports a targetPort name no container declares', () => {
    expect(inFile('target-port-name.yaml').map(brief)).toEqual([
      {
        severity: 'error',
        check: 'reference',
        line: 9,
        object: 'Service/api',
        message: 'targetPort "http" is not a named port of any container the Service selects: its endpoints will have no port',
      },
    ]);
  });

  it("reports pods that never schedule with kube-scheduler's message, once for all replicas", () => {
    const found = inFile('unschedulable.yaml').map(brief);
    expect(found).toContainEqual({ severity: 'error', check: 'scheduling', line: 1, object: 'Deployment/huge', message: expect.stringMatching(/^2 pods cannot be scheduled: 0\/3 nodes are available: 3 Insufficient cpu\./) });
    expect(found).toContainEqual(expect.objectContaining({ check: 'rollout', object: 'Deployment/huge' }));
  });

  it('warns about pods held by scheduling gates, and fails an image reference that does not parse', async () => {
    const report = await runCheck(options([path.join(FIXTURES, 'scheduling')]));
    const found = report.findings.map(brief);
    expect(found).toContainEqual({ severity: 'warning', check: 'scheduling', line: 1, object: 'Pod/queued', message: '1 pod waits for scheduling gates to be removed: kueue.x-k8s.io/admission' });
    expect(found).toContainEqual({
      severity: 'error',
      check: 'container',
      line: 1,
      object: 'Deployment/private',
      message: 'container "app" is waiting: InvalidImageName: Failed to apply default image tag "<your-private-image>": couldn\'t parse image name "<your-private-image>": invalid reference format',
    });
  });

  it('reports a container in a crash loop with its exit code', () => {
    expect(inFile('crash-loop.yaml').map(brief)).toContainEqual({ severity: 'error', check: 'container', line: 1, object: 'Deployment/crasher', message: 'container "app" is waiting: CrashLoopBackOff: last exit: Error, exit code 3' });
  });

  it("reports a Job that fails with the controller's reason", () => {
    expect(inFile('job-fails.yaml').map(brief)).toContainEqual({ severity: 'error', check: 'job', line: 1, object: 'Job/migrate', message: 'job "migrate" failed: BackoffLimitExceeded: Job has reached the specified backoff limit' });
  });

  it('reports an object defined twice, at the second definition', () => {
    expect(inFile('duplicate.yaml').map(brief)).toEqual([
      { severity: 'error', check: 'duplicate', line: 8, object: 'ConfigMap/twice', message: `ConfigMap "twice" is defined more than once (also at ${path.join(BROKEN, 'duplicate.yaml')}:1); apply would keep only the last one` },
    ]);
  });

  it('reports containers that never become ready', () => {
    const found = inFile('never-ready.yaml').map(brief);
    expect(found).toContainEqual({ severity: 'warning', check: 'container', line: 1, object: 'Deployment/sleepy', message: 'container "app" is running but never became ready' });
    expect(found).toContainEqual(expect.objectContaining({ severity: 'error', check: 'rollout', object: 'Deployment/sleepy' }));
  });

  it('says an autoscaler on a metric minik does not simulate was not checked (a warning, not an error)', () => {
    expect(inFile('hpa-custom-metric.yaml').map(brief)).toEqual([
      {
        severity: 'warning',
        check: 'unchecked',
        line: 17,
        object: 'HorizontalPodAutoscaler/queue-worker',
        message: "not checked: the HPA was unable to compute the replica count: metric type Pods is not served by minik's simulated metrics",
      },
    ]);
  });

  it('reports a kind the cluster does not know', () => {
    expect(inFile('unknown-kind.yaml').map(brief)).toEqual([
      {
        severity: 'error',
        check: 'schema',
        line: 1,
        object: 'Widget/gadget',
        message: 'resource mapping not found for name: "gadget" namespace: "": no matches for kind "Widget" in version "example.com/v1"; ensure CRDs are installed first',
      },
    ]);
  });

  it('finds nothing else: every finding is in a file with its defect', () => {
    const files = new Set(broken.findings.map((f) => path.basename(f.source!)));
    expect([...files].sort()).toEqual([
      'crash-loop.yaml',
      'duplicate.yaml',
      'hpa-custom-metric.yaml',
      'hpa-no-target.yaml',
      'ingress-port.yaml',
      'invalid-name.yaml',
      'job-fails.yaml',
      'missing-configmap.yaml',
      'missing-service-account.yaml',
      'missing-storage-class.yaml',
      'never-ready.yaml',
      'quota-exceeded.yaml',
      'selector-mismatch.yaml',
      'service-selects-nothing.yaml',
      'syntax-error.yaml',
      'target-port-name.yaml',
      'unknown-field.yaml',
      'unknown-kind.yaml',
      'unschedulable.yaml',
    ]);
    // A crash loop restarts for ever: the cluster never settles, the horizon ends the run.
    expect(broken.simulation).toEqual({ ms: DEFAULT_HORIZON_MS, settled: false });
  });
});

describe('minikctl check on clean manifests', () => {
  it('applies a Namespace written after its contents, runs everything to completion and finds nothing', async () => {
    const report = await runCheck(options([path.join(FIXTURES, 'clean')]));
    expect(report.findings).toEqual([]);
    expect(report.objects.map((o) => `${o.ref.kind}/${o.ref.name}`)).toEqual([
      'ConfigMap/web-config',
      'Deployment/web',
      'Service/web',
      'Ingress/web',
      'HorizontalPodAutoscaler/web',
      'PodDisruptionBudget/web',
      'Namespace/tidy',
      'Job/seed',
      'Service/db',
      'StatefulSet/db',
    ]);
    expect(report.simulation?.settled).toBe(true);
  });

  it('checks without simulating: schema, admission and references only', async () => {
    const report = await runCheck(options([BROKEN], { simulate: false }));
    expect(report.simulation).toBeUndefined();
    expect(new Set(report.findings.map((f) => f.check))).toEqual(new Set(['parse', 'schema', 'admission', 'reference', 'duplicate']));
  });
});
