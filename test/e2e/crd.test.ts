// A CustomResourceDefinition and its objects end to end, with the built CLI against a real daemon
// and with real kubectl: applied from one file, listed with the CRD's printer columns (the same
// bytes from both), explained, validated (schema and CEL), scaled, and deleted with the CRD.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, commandOnPath, runKubectl, stopProcessDaemon, tempHome } from '../helpers.js';

const KUBECTL = commandOnPath('kubectl');

let home: string;
let kubeHome: string;

const kubectl = (args: string[], stdin?: string) => runKubectl(KUBECTL!, home, kubeHome, args, stdin);

const minikctl = (args: string[], stdin?: string) => cliProcess(home, args, stdin === undefined ? {} : { stdin });

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Image, type: string, jsonPath: .spec.image, priority: 1}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the cron job runs, and when.
            required: [cronSpec, image]
            x-kubernetes-validations:
            - rule: "self.replicas <= 10 || self.image.startsWith('big/')"
              message: only big/ images may run more than 10 replicas
            properties:
              cronSpec: {type: string, description: 'The schedule, in cron format.', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'}
              image: {type: string}
              replicas: {type: integer, default: 1, minimum: 0}
          status:
            type: object
            properties:
              replicas: {type: integer}
`;

const CRON = (name: string, spec: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: ${name}}
spec: ${spec}
`;

beforeAll(async () => {
  home = tempHome();
  kubeHome = tempHome('minik-kubehome-');
  await cliProcess(home, ['daemon', 'start']);
});
afterAll(async () => {
  await stopProcessDaemon(home);
  fs.rmSync(kubeHome, { recursive: true, force: true });
});

describe('CustomResourceDefinitions end to end', () => {
  it('minikctl applies a CRD and its objects from one file, and lists them with the printer columns', async () => {
    const file = `${CRD}---\n${CRON('nightly', '{cronSpec: "0 2 * * *", image: backup:1}')}`;
    const applied = await minikctl(['apply', '-f', '-'], file);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\ncrontab.stable.example.com/nightly created\n');
    expect((await minikctl(['get', 'crontabs'])).stdout).toBe('NAME      SPEC        REPLICAS\nnightly   0 2 * * *   1\n');
    expect((await minikctl(['get', 'ct', '-o', 'wide'])).stdout).toBe('NAME      SPEC        REPLICAS   IMAGE\nnightly   0 2 * * *   1          backup:1\n');
    expect((await minikctl(['get', 'crontab.stable.example.com/nightly', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('1');
    // In the `all` category, as the CRD says.
    expect((await minikctl(['get', 'all'])).stdout).toContain('crontab.stable.example.com/nightly   0 2 * * *   1');
    expect((await minikctl(['apply', '-f', '-'], file)).stdout).toBe('customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com unchanged\ncrontab.stable.example.com/nightly unchanged\n');
  });

  it('patches custom objects with merge patches, as the apiserver takes them (no strategic merge)', async () => {
    const changed = `${CRD}---\n${CRON('nightly', '{cronSpec: "0 3 * * *", image: backup:1}')}`;
    expect((await minikctl(['apply', '-f', '-'], changed)).stdout).toBe('customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com unchanged\ncrontab.stable.example.com/nightly configured\n');
    const strategic = await minikctl(['patch', 'ct', 'nightly', '-p', '{"spec":{"image":"backup:2"}}']);
    expect(strategic.stderr).toBe(
      'error: application/strategic-merge-patch+json is not supported by stable.example.com/v1, Kind=CronTab: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
    );
    expect((await minikctl(['patch', 'ct', 'nightly', '--type', 'merge', '-p', '{"spec":{"cronSpec":"0 2 * * *"}}'])).stdout).toBe('crontab.stable.example.com/nightly patched\n');
  });

  it('refuses what the schema or a CEL rule refuses, with the apiserver messages', async () => {
    const bad = await minikctl(['apply', '-f', '-'], CRON('bad', '{cronSpec: "often", image: x, replicas: 20, extra: 1}'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN" (document 1, line 1): CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.extra"\n',
    );
    const invalid = await minikctl(['apply', '-f', '-'], CRON('bad', '{cronSpec: "often", image: x, replicas: 20}'));
    expect(invalid.stderr).toBe(
      'The CronTab "bad" is invalid (STDIN, document 1, line 1): \n' +
        `* spec.cronSpec: Invalid value: "often": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n` +
        '* spec: Invalid value: "object": only big/ images may run more than 10 replicas\n',
    );
  });

  it.skipIf(!KUBECTL)('real kubectl sees the same: get (byte for byte), explain, scale, and the same refusals', async () => {
    const mask = (s: string) => s.replace(/\b\d+(s|m\d*s?)\b/g, '<age>');
    for (const args of [['get', 'crontabs'], ['get', 'ct', '-o', 'wide'], ['get', 'crd'], ['describe', 'ct', 'nightly'], ['explain', 'crontab.spec'], ['explain', 'ct', '--recursive']]) {
      const [k, m] = await Promise.all([kubectl(args), minikctl(args)]);
      expect(mask(m.stdout), args.join(' ')).toBe(mask(k.stdout));
    }
    // kubectl's own patch of a custom object: the same refusal of a strategic merge patch.
    const strategic = await kubectl(['patch', 'ct', 'nightly', '-p', '{"spec":{"image":"backup:2"}}']);
    expect(strategic.stderr).toBe((await minikctl(['patch', 'ct', 'nightly', '-p', '{"spec":{"image":"backup:2"}}'])).stderr);
    const explain = await kubectl(['explain', 'crontab.spec']);
    expect(explain.stdout).toContain('What the cron job runs, and when.');
    expect(explain.stdout).toMatch(/cronSpec\t<string> -required-\n\s+The schedule, in cron format\./);
    expect((await kubectl(['scale', 'ct', 'nightly', '--replicas=3'])).stdout).toBe('crontab.stable.example.com/nightly scaled\n');
    expect((await minikctl(['get', 'ct', 'nightly', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('3');
    const bad = await kubectl(['apply', '-f', '-'], CRON('bad', '{cronSpec: "often", image: x}'));
    expect(bad.stderr).toContain(`spec.cronSpec: Invalid value: "often": spec.cronSpec in body should match`);
    // kubectl maps every object of a file before applying any: a custom object in the same file
    // as its new CRD fails, as against a real cluster (minikctl applies both).
    const other = CRD.replace(/crontabs/g, 'backups').replace(/crontab/g, 'backup').replace(/CronTab/g, 'Backup').replace('shortNames: [ct], ', '');
    const both = await kubectl(['apply', '-f', '-'], `${other}---\napiVersion: stable.example.com/v1\nkind: Backup\nmetadata: {name: b}\nspec: {cronSpec: "* * * * *", image: x}\n`);
    expect(both.stderr).toContain('no matches for kind "Backup" in version "stable.example.com/v1"\nensure CRDs are installed first');
  });

  it('deleting the CRD deletes its objects', async () => {
    expect((await minikctl(['delete', 'crd', 'crontabs.stable.example.com'])).stdout).toBe('customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n');
    let left = '';
    for (let i = 0; i < 100; i++) {
      left = (await minikctl(['get', 'crd', '-o', 'name'])).stdout;
      if (!left.includes('crontabs')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).not.toContain('crontabs');
    const gone = await minikctl(['get', 'crontabs']);
    expect(gone.stderr).toBe('error: the server doesn\'t have a resource type "crontabs"\n');
  });
});
