// pods/NAME/log for simulated containers: which run's log a request gets.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { StatusError } from '../../src/apiserver/errors.js';
import { containerLog } from '../../src/apiserver/logs.js';

const pod = (containerStatus: object): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hello; exit 1'] }] },
  status: { containerStatuses: [{ name: 'c', ready: false, restartCount: 2, ...containerStatus }] },
});
const lastRun = { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-11-30T10:00:00Z', finishedAt: '2026-11-30T10:00:01Z' } };

describe('container logs', () => {
  it('of a container in CrashLoopBackOff are its last run\'s, as kubectl shows them', () => {
    const log = containerLog(pod({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: lastRun }), {});
    expect(log).toContain('hello\n');
    expect(log).toContain('minik: container c exited with code 1 (Error)\n');
  });

  it('of a container that never ran say it is waiting to start', () => {
    try {
      containerLog(pod({ state: { waiting: { reason: 'ContainerCreating' } } }), {});
      throw new Error('no error');
    } catch (e) {
      expect(e instanceof StatusError && [e.code, e.message]).toEqual([400, 'container "c" in pod "p" is waiting to start: ContainerCreating']);
    }
  });

  it('say a run that was running when the pod was deleted got SIGTERM, and keep saying it once it has exited', () => {
    const deleted = (state: object) => ({ ...pod({ state }), metadata: { name: 'p', deletionTimestamp: '2026-11-30T10:00:30Z', deletionGracePeriodSeconds: 30 } }) as KubeObject;
    const running = containerLog(deleted({ running: { startedAt: '2026-11-30T09:59:00Z' } }), {});
    expect(running.trim().split('\n').slice(-1)).toEqual(['minik: container c received SIGTERM']);
    const exited = containerLog(deleted({ terminated: { exitCode: 143, reason: 'Error', startedAt: '2026-11-30T09:59:00Z', finishedAt: '2026-11-30T10:00:01Z' } }), {});
    expect(exited.trim().split('\n').slice(-2)).toEqual(['minik: container c received SIGTERM', 'minik: container c exited with code 143 (Error)']);
    // A run that had ended before the deletion began never got the signal.
    const before = containerLog(deleted({ terminated: { exitCode: 0, reason: 'Completed', startedAt: '2026-11-30T09:58:00Z', finishedAt: '2026-11-30T09:59:30Z' } }), {});
    expect(before).not.toContain('SIGTERM');
  });
});
