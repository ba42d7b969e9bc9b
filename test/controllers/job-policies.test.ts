// v1.32 Job policies: podFailurePolicy, backoffLimitPerIndex/maxFailedIndexes, successPolicy,
// podReplacementPolicy; the pure rule matching table-driven, the controller under a fake clock.
import { describe, expect, it } from 'vitest';
import { resourceNamed } from '../../src/api/resources.js';
import type { KubeObject, Pod } from '../../src/api/types.js';
import { matchFailurePolicy, metSuccessRule } from '../../src/controllers/job-policies.js';
import { parseIndexes } from '../../src/controllers/job.js';
import { TestCluster } from '../cluster.js';

const podsR = resourceNamed('pods');
const job = (name: string, spec: Record<string, unknown>, command = ['sh', '-c', 'sleep 3'], annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { ...spec, template: { metadata: annotations ? { annotations } : {}, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command }] } } },
});
const cond = (o: KubeObject | undefined, type: string) => (o?.status?.conditions ?? []).find((c: { type: string; status: string }) => c.type === type && c.status === 'True');
const failed = (code: number, conditions: object[] = [], name = 'p') =>
  ({ metadata: { name, namespace: 'default' }, spec: { containers: [] }, status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode: code } } }, { name: 'side', state: { terminated: { exitCode: 0 } } }] } }) as unknown as Pod;

describe('podFailurePolicy rules', () => {
  const rules = [
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
  ] as never;
  it.each([
    ['exit code 42 in main: FailJob', failed(42), { action: 'FailJob', message: 'Container main for pod default/p failed with exit code 42 matching FailJob rule at index 0' }],
    ['a DisruptionTarget condition: Ignore', failed(1, [{ type: 'DisruptionTarget', status: 'True' }]), { action: 'Ignore', message: 'Pod default/p has condition DisruptionTarget matching Ignore rule at index 1' }],
    ['a condition of another status does not match', failed(1, [{ type: 'DisruptionTarget', status: 'False' }]), undefined],
    ['NotIn matches codes outside the list', failed(7), { action: 'Count', message: 'Container main for pod default/p failed with exit code 7 matching Count rule at index 2' }],
    ['exit codes in the NotIn list match nothing', failed(2), undefined],
  ])('%s', (_name, p, expected) => {
    expect(matchFailurePolicy(rules, p)).toEqual(expected);
  });
});

describe('successPolicy rules', () => {
  it.each([
    [[{ succeededIndexes: '0' }], [0], 0],
    [[{ succeededIndexes: '0-2' }], [0, 2], undefined],
    [[{ succeededIndexes: '0-2', succeededCount: 2 }], [0, 2], 0],
    [[{ succeededIndexes: '5' }, { succeededCount: 2 }], [0, 3], 1],
  ])('%j with %j succeeded -> rule %s', (rules, done, expected) => {
    expect(metSuccessRule(rules, new Set(done), parseIndexes)).toBe(expected);
  });
});

describe('Job policies in the cluster', () => {
  it('a FailJob rule fails the Job at the first matching failure', () => {
    const k = new TestCluster();
    k.create(job('j', { backoffLimit: 6, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }, ['sh', '-c', 'exit 42']));
    k.until(() => !!cond(k.get('jobs', 'j'), 'Failed'), 120_000);
    const j = k.get('jobs', 'j')!;
    const pods = k.list('pods');
    expect(pods).toHaveLength(1);
    expect(cond(j, 'Failed')).toMatchObject({ reason: 'PodFailurePolicy', message: `Container work for pod default/${pods[0].metadata.name} failed with exit code 42 matching FailJob rule at index 0` });
    expect(j.spec.podReplacementPolicy).toBe('Failed');
    expect(j.status.failed).toBe(1);
  });

  it('an Ignore rule replaces the pod without counting the failure', () => {
    const k = new TestCluster();
    k.create(job('j', { backoffLimit: 0, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }, ['sh', '-c', 'sleep 300']));
    k.run(2000);
    const first = k.list('pods')[0];
    k.reg.writeStatus(podsR, 'default', first.metadata.name!, { ...first.status, phase: 'Failed', conditions: [...first.status.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] });
    k.run(2000);
    const j = k.get('jobs', 'j')!;
    expect(cond(j, 'Failed')).toBeUndefined();
    expect(j.status.failed).toBeUndefined();
    expect(k.list('pods').filter((p) => p.status.phase === 'Running')).toHaveLength(1);
  });

  it('backoffLimitPerIndex retries each index on its own and marks failed indexes', () => {
    const k = new TestCluster();
    k.create(job('j', { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 1 }, ['sh', '-c', 'exit 1']));
    k.until(() => !!cond(k.get('jobs', 'j'), 'Failed'), 300_000);
    const j = k.get('jobs', 'j')!;
    expect(j.spec.backoffLimit).toBe(2147483647);
    expect(cond(j, 'Failed')).toMatchObject({ reason: 'FailedIndexes', message: 'Job has failed indexes' });
    expect(j.status.failedIndexes).toBe('0-2');
    expect(j.status.failed).toBe(6);
    const counts = k.list('pods').map((p) => `${p.metadata.annotations['batch.kubernetes.io/job-completion-index']}:${p.metadata.annotations['batch.kubernetes.io/job-index-failure-count']}`).sort();
    expect(counts).toEqual(['0:0', '0:1', '1:0', '1:1', '2:0', '2:1']);
  });

  it('an ignored failure of an index is counted apart, in job-index-ignored-failure-count', () => {
    const k = new TestCluster();
    k.create(job('j', { completionMode: 'Indexed', completions: 1, backoffLimitPerIndex: 0, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }, ['sh', '-c', 'sleep 300']));
    k.run(2000);
    const first = k.list('pods')[0];
    k.reg.writeStatus(podsR, 'default', first.metadata.name!, { ...first.status, phase: 'Failed', conditions: [...first.status.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] });
    k.run(2000);
    const replacement = k.list('pods').find((p) => p.metadata.name !== first.metadata.name)!;
    expect(replacement.metadata.annotations).toMatchObject({ 'batch.kubernetes.io/job-index-failure-count': '0', 'batch.kubernetes.io/job-index-ignored-failure-count': '1' });
    expect(cond(k.get('jobs', 'j'), 'Failed')).toBeUndefined();
  });

  it('maxFailedIndexes fails the Job as soon as too many indexes failed', () => {
    const k = new TestCluster();
    k.create(job('j', { completionMode: 'Indexed', completions: 3, parallelism: 1, backoffLimitPerIndex: 0, maxFailedIndexes: 0 }, ['sh', '-c', 'exit 1']));
    k.until(() => !!cond(k.get('jobs', 'j'), 'Failed'), 120_000);
    const j = k.get('jobs', 'j')!;
    expect(cond(j, 'Failed')).toMatchObject({ reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' });
    expect(j.status.failedIndexes).toBe('0');
    expect(k.list('pods')).toHaveLength(1);
  });

  it('a successPolicy completes the Job once its indexes succeeded and stops the rest', () => {
    const k = new TestCluster();
    k.create(job('j', { completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] } }, ['sh', '-c', 'sleep 300']));
    k.run(2000);
    const leader = k.list('pods').find((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index'] === '0')!;
    k.reg.writeStatus(podsR, 'default', leader.metadata.name!, { ...leader.status, phase: 'Succeeded', containerStatuses: [{ ...leader.status.containerStatuses[0], state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    k.run(2000);
    const j = k.get('jobs', 'j')!;
    expect(cond(j, 'SuccessCriteriaMet')).toMatchObject({ reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    expect(cond(j, 'Complete')).toMatchObject({ reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    expect(j.status.completedIndexes).toBe('0');
    expect(k.list('pods').filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp)).toHaveLength(0);
  });

  it.each([
    ['TerminatingOrFailed replaces a terminating pod at once', 'TerminatingOrFailed', 2],
    ['Failed waits until the pod has finished', 'Failed', 1],
  ])('podReplacementPolicy %s', (_name, policy, podsWhileTerminating) => {
    const k = new TestCluster();
    k.create(job('j', { podReplacementPolicy: policy }, ['sh', '-c', 'sleep 300'], { 'minik.dev/termination-seconds': '20' }));
    k.run(2000);
    k.reg.delete(podsR, 'default', k.list('pods')[0].metadata.name!);
    k.run(3000);
    expect(k.list('pods')).toHaveLength(podsWhileTerminating);
    expect(k.get('jobs', 'j')!.status.terminating).toBe(1);
    k.run(30_000);
    expect(k.list('pods').filter((p) => p.status.phase === 'Running')).toHaveLength(1);
  });

  it('refuses null rules and conditions as empty ones, without throwing', () => {
    const k = new TestCluster();
    const bad = job('nulls', { podFailurePolicy: { rules: [null, { action: 'Ignore', onPodConditions: [null] }] } });
    expect(() => k.create(bad)).toThrow(/spec.podFailurePolicy.rules\[0\].action: Unsupported value: .*spec.podFailurePolicy.rules\[1\].onPodConditions\[0\].type: Required value/);
  });

  it('validates the policies as the apiserver does', () => {
    const k = new TestCluster();
    const bad = job('bad', { completions: 2, backoffLimitPerIndex: 1, maxFailedIndexes: 3, successPolicy: { rules: [{ succeededCount: 1 }] }, podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [0] } }] } });
    bad.spec.template.spec.restartPolicy = 'OnFailure';
    let message = '';
    try {
      k.create(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const part of [
      'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator',
      'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode',
      'spec.maxFailedIndexes: Invalid value: 3: must be less than or equal to completions',
      'spec.successPolicy: Invalid value:',
    ])
      expect(message).toContain(part);
  });
});
