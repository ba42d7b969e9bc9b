// Manifests written by others (../shared/corpus): each example folder is applied the way a user
// would, then deleted. Everything real Kubernetes v1.32 accepts must be created; the refusals
// are exactly those the corpus notes describe.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cliProcess, stopProcessDaemon, tempHome } from '../helpers.js';

const CORPUS = path.resolve(ROOT, '../shared/corpus/k8s-examples');
const present = fs.existsSync(CORPUS);

/**
 * Refusals the corpus README says Kubernetes v1.32 gives, as kubectl words them. (The README also
 * lists the APIService among them; kube-apiserver serves apiregistration.k8s.io/v1 itself, so a
 * real cluster creates it, Available=False until its service answers, and so does minik.)
 */
const EXPECTED_REFUSALS: [string, RegExp][] = [
  ['removed API version', /no matches for kind "PodDisruptionBudget" in version "policy\/v1beta1"/],
  ['CRD not installed', /no matches for kind "(ServiceMonitor|PrometheusRule)" in version "monitoring\.coreos\.com\/v1"/],
  ['configuration file beside the manifests', /error validating data: \[apiVersion not set, kind not set\]/],
  ['namespace the example expects to exist', /namespaces "(monitoring|gke-managed-system)" not found/],
];

/** The examples: second-level folders (`web/guestbook`), each applied with -R as its README says. */
function examples(dir: string): string[] {
  const out: string[] = [];
  for (const category of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const ex of fs.readdirSync(path.join(dir, category.name), { withFileTypes: true })) if (ex.isDirectory()) out.push(path.join(dir, category.name, ex.name));
  }
  return out.sort();
}

let home: string;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => stopProcessDaemon(home));

describe.skipIf(!present)('the corpus of real manifests', () => {
  const dirs = present ? examples(CORPUS) : [];
  const seen = new Set<string>();
  const createdLines = new Set<string>();

  it.each(dirs.map((d) => [path.relative(CORPUS, d), d]))('%s applies as Kubernetes takes it', async (_rel, dir) => {
    const apply = await cliProcess(home, ['apply', '-R', '-f', dir]);
    // An example may define the same object in two files (a second apply then configures it).
    const applied = apply.stdout.split('\n').filter(Boolean);
    expect(applied.filter((l) => !/ (created|configured|unchanged)$/.test(l))).toEqual([]);
    const created = applied.filter((l) => / created$/.test(l));
    for (const l of created) createdLines.add(l);
    expect(created.length).toBeGreaterThan(0);
    // Every error is one of the expected refusals; `ensure CRDs are installed first` belongs to the line before.
    const errors = apply.stderr.split('\n').filter((l) => l && !l.startsWith('minik daemon started') && l !== 'ensure CRDs are installed first');
    for (const e of errors) {
      const kind = EXPECTED_REFUSALS.find(([, re]) => re.test(e));
      expect(kind, `unexpected error: ${e}`).toBeDefined();
      seen.add(kind![0]);
    }
    expect(apply.code).toBe(errors.length > 0 ? 1 : 0);
    // What was created can be read back and deleted again.
    const names = created.map((l) => l.replace(/ created$/, ''));
    if (names.length > 0) {
      const del = await cliProcess(home, ['delete', '-R', '-f', dir, '--ignore-not-found', '--timeout=60s']);
      expect(del.stderr.split('\n').filter((l) => l && !/no matches for kind|ensure CRDs|apiVersion not set|resource mapping not found/.test(l))).toEqual([]);
    }
  });

  it('created the APIService a chart registers its metrics adapter with, as kube-apiserver does', () => {
    expect([...createdLines]).toContain('apiservice.apiregistration.k8s.io/v1beta1.custom.metrics.k8s.io created');
  });

  it('met every refusal the corpus notes describe', () => {
    expect([...seen].sort()).toEqual(EXPECTED_REFUSALS.map(([k]) => k).sort());
  });
});

/**
 * The capabilities of the Kubernetes documentation's examples beyond the corpus (a CRD and its
 * objects, an admission policy, webhook configurations, LimitRange and ResourceQuota admission,
 * an IPv6 Service on a single-stack cluster): what v1.32 creates and what it refuses, and why.
 */
const FIDELITY = path.join(ROOT, 'test/e2e/fixtures/api-fidelity');
const FIDELITY_CASES: [file: string, created: string[], refused: RegExp[]][] = [
  ['crd-and-objects.yaml', ['customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com', 'crontab.stable.example.com/my-new-cron-object'], [/The CronTab "zero-replicas" is invalid .*: spec\.replicas: Invalid value: 0: spec\.replicas in body should be greater than or equal to 1$/]],
  [
    'admission-policy.yaml',
    ['validatingadmissionpolicy.admissionregistration.k8s.io/replica-limit.example.com', 'validatingadmissionpolicybinding.admissionregistration.k8s.io/replica-limit-binding.example.com', 'deployment.apps/small'],
    [/The deployments "large" is invalid .*: : ValidatingAdmissionPolicy 'replica-limit\.example\.com' with binding 'replica-limit-binding\.example\.com' denied request: failed expression: object\.spec\.replicas <= 5$/],
  ],
  ['webhooks.yaml', ['validatingwebhookconfiguration.admissionregistration.k8s.io/pod-policy.example.com'], [/webhooks\[0\]\.clientConfig\.url: Invalid value: "http:\/\/hooks\.example\.com\/mutate": 'https' is the only allowed URL scheme$/]],
  ['limits-and-quota.yaml', ['namespace/limited', 'limitrange/cpu-defaults', 'resourcequota/two-pods', 'pod/a', 'pod/b'], [/pods "c" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2$/]],
  ['ipv6-service.yaml', [], [/The Service "v6" is invalid .*: spec\.ipFamilies\[0\]: Invalid value: "IPv6": not configured on this cluster$/]],
];

describe('the API fidelity cases from the Kubernetes documentation', () => {
  it.each(FIDELITY_CASES)('%s', async (file, created, refused) => {
    const apply = await cliProcess(home, ['apply', '-f', path.join(FIDELITY, file)]);
    expect(apply.stdout.split('\n').filter(Boolean)).toEqual(created.map((c) => `${c} created`));
    const errors = apply.stderr.split('\n').filter((l) => l && !l.startsWith('minik daemon started'));
    expect(errors).toHaveLength(refused.length);
    errors.forEach((e, i) => expect(e).toMatch(refused[i]));
    expect(apply.code).toBe(1);
  });

  it('gave the pod the LimitRange defaults', async () => {
    expect((await cliProcess(home, ['get', 'pod', 'a', '-n', 'limited', '-o', 'jsonpath={.spec.containers[0].resources}'])).stdout).toBe('{"limits":{"cpu":"500m"},"requests":{"cpu":"250m"}}');
  });
});
