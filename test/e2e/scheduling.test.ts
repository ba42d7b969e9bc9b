// The Kubernetes documentation's scheduling and workload examples, applied with minikctl to a
// cluster of six nodes in three zones: what stays Pending (and with which message), what runs.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, fastDaemonForSuite } from '../helpers.js';

const DIR = path.join(ROOT, 'test/e2e/fixtures/scheduling');
const file = (name: string) => path.join(DIR, name);
const suite = fastDaemonForSuite(beforeAll, afterAll, { count: 6, cpu: '4', memory: '8Gi', pods: 110, zones: ['zone-a', 'zone-b', 'zone-c'], region: 'region-1' });
const home = () => suite.env.home;
const jsonpath = async (args: string[], expr: string) => (await cli(home(), ['get', ...args, '-o', `jsonpath=${expr}`])).stdout;
const wait = (args: string[]) => cli(home(), ['wait', ...args, '--timeout=60s']);

describe('scheduling examples from the Kubernetes documentation', () => {
  it('nodes carry kind-like labels and the zones the cluster was made with', async () => {
    const labels = (await cli(home(), ['get', 'nodes', '-L', 'topology.kubernetes.io/zone,topology.kubernetes.io/region', '--no-headers'])).stdout.split('\n').filter(Boolean);
    expect(labels).toHaveLength(6);
    expect(labels[0]).toMatch(/^node-1 +Ready .* zone-a +region-1$/);
    expect(labels[4]).toMatch(/^node-5 +Ready .* zone-b +region-1$/);
  });

  it('required pod affinity waits for a pod to be near, then follows it into its zone', async () => {
    expect((await cli(home(), ['apply', '-f', file('pod-affinity.yaml')])).stdout).toBe('pod/with-pod-affinity created\n');
    await wait(['--for=jsonpath={.status.conditions[0].reason}=Unschedulable', 'pod/with-pod-affinity']);
    const events = (await cli(home(), ['events', '--for', 'pod/with-pod-affinity', '--no-headers'])).stdout;
    expect(events).toContain("0/6 nodes are available: 6 node(s) didn't match pod affinity rules. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.");
    await cli(home(), ['apply', '-f', file('s1.yaml')]);
    await wait(['--for=condition=Ready', 'pod/with-pod-affinity']);
    const zoneOf = async (pod: string) => jsonpath(['node', await jsonpath(['pod', pod], '{.spec.nodeName}')], '{.metadata.labels.topology\\.kubernetes\\.io/zone}');
    expect(await zoneOf('with-pod-affinity')).toBe(await zoneOf('s1'));
  });

  it('a zone spread constraint keeps a Deployment within maxSkew 1 across zones', async () => {
    await cli(home(), ['apply', '-f', file('topology-spread.yaml')]);
    expect((await cli(home(), ['rollout', 'status', 'deployment/spread', '--timeout=60s'])).code).toBe(0);
    const nodes = (await jsonpath(['pods', '-l', 'foo=bar'], '{range .items[*]}{.spec.nodeName}{"\\n"}{end}')).split('\n').filter(Boolean);
    const perZone = new Map<string, number>();
    for (const n of nodes) {
      const zone = await jsonpath(['node', n], '{.metadata.labels.topology\\.kubernetes\\.io/zone}');
      perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    expect([...perZone.values()].sort()).toEqual([1, 2, 2]);
  });

  it('scheduling gates hold a pod as SchedulingGated until they are removed', async () => {
    await cli(home(), ['apply', '-f', file('scheduling-gates.yaml')]);
    expect((await cli(home(), ['get', 'pod', 'test-pod', '--no-headers'])).stdout).toMatch(/^test-pod +0\/1 +SchedulingGated +0 /);
    expect((await cli(home(), ['patch', 'pod', 'test-pod', '--type=json', '-p', '[{"op":"remove","path":"/spec/schedulingGates"}]'])).stdout).toBe('pod/test-pod patched\n');
    expect((await wait(['--for=condition=Ready', 'pod/test-pod'])).code).toBe(0);
  });

  it('an extended resource advertised on a node is accounted: the pod asking for more stays Pending', async () => {
    const patched = await cli(home(), ['patch', 'node', 'node-1', '--subresource=status', '--type=json', '-p', '[{"op":"add","path":"/status/capacity/example.com~1dongle","value":"4"}]']);
    expect(patched.stdout).toBe('node/node-1 patched\n');
    await wait(['--for=jsonpath={.status.allocatable.example\\.com/dongle}=4', 'node/node-1']);
    await cli(home(), ['apply', '-f', file('extended-resource.yaml')]);
    await wait(['--for=condition=Ready', 'pod/extended-resource-demo']);
    expect(await jsonpath(['pod', 'extended-resource-demo'], '{.spec.nodeName}')).toBe('node-1');
    await wait(['--for=jsonpath={.status.conditions[0].reason}=Unschedulable', 'pod/extended-resource-demo-2']);
    expect(await jsonpath(['pod', 'extended-resource-demo-2'], '{.status.conditions[0].message}')).toBe('0/6 nodes are available: 6 Insufficient example.com/dongle. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.');
  });

  it('a pod failure policy fails the Job at the first exit code 42', async () => {
    await cli(home(), ['apply', '-f', file('job-pod-failure-policy.yaml')]);
    expect((await wait(['--for=condition=Failed', 'job/job-pod-failure-policy-failjob'])).code).toBe(0);
    const failed = await jsonpath(['job', 'job-pod-failure-policy-failjob'], '{.status.conditions[?(@.type=="Failed")].reason}');
    expect(failed).toBe('PodFailurePolicy');
    expect(await jsonpath(['job', 'job-pod-failure-policy-failjob'], '{.status.conditions[?(@.type=="Failed")].message}')).toMatch(/^Container main for pod default\/job-pod-failure-policy-failjob-\w+ failed with exit code 42 matching FailJob rule at index 0$/);
  });

  it('an image reference left unfilled gives InvalidImageName', async () => {
    await cli(home(), ['apply', '-f', file('private-image.yaml')]);
    await wait(['--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=InvalidImageName', 'pod/private-image-test-1']);
    expect((await cli(home(), ['get', 'pod', 'private-image-test-1', '--no-headers'])).stdout).toMatch(/^private-image-test-1 +0\/1 +InvalidImageName +0 /);
  });
});
