// The workload commands added with the second wave, through the CLI against a fast-forwarded
// in-process daemon: generators, autoscale, top nodes, DaemonSet history and undo, managed fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fastDaemonForSuite } from '../helpers.js';

const suite = fastDaemonForSuite(beforeAll, afterAll);
const run = (...args: string[]) => cli(suite.env.home, args);

const DS = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: "${image}"}]
`;

describe('workload commands', () => {
  it('create deployment and create namespace build what kubectl builds', async () => {
    expect((await run('create', 'namespace', 'team-a')).stdout).toBe('namespace/team-a created\n');
    expect((await run('create', 'deployment', 'hello', '--image=nginx:1.27', '--replicas=2', '--port=80', '-n', 'team-a')).stdout).toBe('deployment.apps/hello created\n');
    const d = JSON.parse((await run('get', 'deploy', 'hello', '-n', 'team-a', '-o', 'json')).stdout);
    expect(d.metadata.labels).toEqual({ app: 'hello' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }]);
    expect((await run('rollout', 'status', 'deploy/hello', '-n', 'team-a', '--timeout=30s')).code).toBe(0);
  });

  it('autoscale creates an autoscaling/v2 HorizontalPodAutoscaler for the target', async () => {
    expect((await run('autoscale', 'deployment', 'hello', '-n', 'team-a', '--min=2', '--max=5', '--cpu-percent=60')).stdout).toBe('horizontalpodautoscaler.autoscaling/hello autoscaled\n');
    const h = JSON.parse((await run('get', 'hpa', 'hello', '-n', 'team-a', '-o', 'json')).stdout);
    expect(h.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] });
    const bad = await run('autoscale', 'deployment', 'hello', '-n', 'team-a', '--min=6', '--max=5');
    expect(bad.stderr).toBe('error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 5, min: 6\n');
  });

  it('top nodes shows each node\'s usage and its share of allocatable', async () => {
    const r = await run('top', 'nodes');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['node-1', 'node-2', 'node-3']);
    for (const l of lines.slice(1)) expect(l).toMatch(/^node-\d\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*$/);
  });

  it('rollout history and undo work for a DaemonSet (from its ControllerRevisions)', async () => {
    await cli(suite.env.home, ['apply', '-f', '-'], DS('fluentd:1'));
    expect((await run('rollout', 'status', 'ds/agent', '--timeout=30s')).code).toBe(0);
    await cli(suite.env.home, ['apply', '-f', '-'], DS('fluentd:2'));
    expect((await run('rollout', 'status', 'ds/agent', '--timeout=30s')).stdout).toMatch(/daemon set "agent" successfully rolled out\n$/);
    expect((await run('rollout', 'history', 'ds/agent')).stdout).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect((await run('rollout', 'undo', 'ds/agent')).stdout).toBe('daemonset.apps/agent rolled back\n');
    expect((await run('rollout', 'status', 'ds/agent', '--timeout=30s')).code).toBe(0);
    const images = (await run('get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}')).stdout.split(' ');
    expect(new Set(images)).toEqual(new Set(['fluentd:1']));
    expect((await run('rollout', 'pause', 'ds/agent')).stderr).toBe('error: daemonsets.apps "agent" pausing is not supported\n');
  });

  it('get shows managedFields only with --show-managed-fields', async () => {
    const hidden = JSON.parse((await run('get', 'ds', 'agent', '-o', 'json')).stdout);
    expect(hidden.metadata.managedFields).toBeUndefined();
    const shown = JSON.parse((await run('get', 'ds', 'agent', '-o', 'json', '--show-managed-fields')).stdout);
    expect(shown.metadata.managedFields.map((e: any) => e.manager)).toContain('kubectl-client-side-apply');
  });
});
