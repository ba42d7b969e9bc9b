// Node maintenance through the CLI, against a daemon whose fake clock is fast-forwarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fastDaemonForSuite } from '../helpers.js';

const suite = fastDaemonForSuite(beforeAll, afterAll);


const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: nginx, image: "nginx:1.27"}]\n';
const nodesOf = async () => (await cli(suite.env.home, ['get', 'pods', '-l', 'app=web', '--no-headers', '-o', 'custom-columns=NODE:.spec.nodeName'])).stdout.trim().split('\n').sort();

describe('node maintenance', () => {
  it('cordons and uncordons', async () => {
    expect((await cli(suite.env.home, ['cordon', 'node-3'])).stdout).toBe('node/node-3 cordoned\n');
    expect((await cli(suite.env.home, ['cordon', 'node-3'])).stdout).toBe('node/node-3 already cordoned\n');
    expect((await cli(suite.env.home, ['get', 'node', 'node-3'])).stdout).toMatch(/node-3\s+Ready,SchedulingDisabled\s+<none>/);
    await cli(suite.env.home, ['apply', '-f', '-'], DEPLOY);
    await cli(suite.env.home, ['rollout', 'status', 'deploy/web', '--timeout=30s']);
    expect(await nodesOf()).not.toContain('node-3');
    expect((await cli(suite.env.home, ['uncordon', 'node-3'])).stdout).toBe('node/node-3 uncordoned\n');
  });

  it('drains a node: its pods are evicted and replaced elsewhere', async () => {
    const before = await nodesOf();
    const busy = before[0];
    await cli(suite.env.home, ['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\nspec:\n  nodeSelector: {kubernetes.io/hostname: ' + busy + '}\n  containers: [{name: c, image: busybox}]\n');
    await cli(suite.env.home, ['wait', '--for=condition=Ready', 'pod/bare', '--timeout=30s']);
    const refused = await cli(suite.env.home, ['drain', busy]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: unable to drain node "${busy}" due to error: cannot delete Pods that declare no controller (use --force to override): default/bare`);
    const r = await cli(suite.env.home, ['drain', busy, '--force', '--timeout=30s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^node/${busy} already cordoned\\n(evicting pod default/\\S+\\n)+(pod/\\S+ evicted\\n)+node/${busy} drained\\n$`));
    expect(r.stderr).toBe('Warning: deleting Pods that declare no controller: default/bare\n');
    await cli(suite.env.home, ['rollout', 'status', 'deploy/web', '--timeout=30s']);
    const after = await nodesOf();
    expect(after).toHaveLength(3);
    expect(after).not.toContain(busy);
    await cli(suite.env.home, ['uncordon', busy]);
  });

  it('taints and untaints', async () => {
    expect((await cli(suite.env.home, ['taint', 'nodes', 'node-1', 'gpu=true:NoSchedule'])).stdout).toBe('node/node-1 tainted\n');
    expect((await cli(suite.env.home, ['taint', 'nodes', 'node-1', 'gpu=false:NoSchedule'])).stderr).toBe('error: node node-1 already has gpu taint(s) with same effect(s) and --overwrite is false\n');
    expect((await cli(suite.env.home, ['get', 'node', 'node-1', '-o', 'jsonpath={.spec.taints}'])).stdout).toBe('[{"key":"gpu","value":"true","effect":"NoSchedule"}]');
    expect((await cli(suite.env.home, ['taint', 'nodes', 'node-1', 'gpu:NoSchedule-'])).stdout).toBe('node/node-1 untainted\n');
  });
});
