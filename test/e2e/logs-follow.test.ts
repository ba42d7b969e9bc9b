// `logs` of simulated containers: follow streams the lifecycle lines as the container's steps
// happen and ends with its run; sinceSeconds, sinceTime and limitBytes as the apiserver takes them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fastForward, testDaemon } from '../helpers.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: short
  annotations: {minik.dev/run-seconds: "60"}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox, command: [sh, -c, "echo working; sleep 60"]}]
`;

let env: Awaited<ReturnType<typeof testDaemon>>;
let stop: () => void;
beforeAll(async () => {
  env = await testDaemon();
  stop = fastForward(env);
  expect((await cli(env.home, ['apply', '-f', '-'], POD)).code).toBe(0);
  expect((await cli(env.home, ['wait', '--for=condition=Ready', 'pod/short', '--timeout=30s'])).code).toBe(0);
}, 60_000);
afterAll(async () => {
  stop?.();
  await env?.stop();
});

const api = async (query: string) => {
  const token = fs.readFileSync(path.join(env.home, 'token'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${env.daemon.port}/api/v1/namespaces/default/pods/short/log?${query}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
};

describe('logs of a simulated container', () => {
  it('follows the container until its run ends, one line per step as it happens', async () => {
    // About 1.5 s of real time remain of its 60 simulated seconds when this starts.
    const r = await cli(env.home, ['logs', '-f', 'short']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      ['minik: container app started (image busybox, simulated: no process runs)', 'working', 'minik: container app is ready', 'minik: container app exited with code 0 (Completed)', ''].join('\n'),
    );
  }, 30_000);

  it('takes limitBytes, sinceSeconds and sinceTime, and refuses both since options at once', async () => {
    expect(await api('limitBytes=12')).toEqual({ status: 200, text: 'minik: conta' });
    // The last line is from the last simulated minute; the first ones from before.
    const recent = await api('sinceSeconds=30');
    expect(recent.text.trim().split('\n')).toEqual(['minik: container app exited with code 0 (Completed)']);
    expect((await api('sinceTime=2000-01-01T00:00:00Z')).text.trim().split('\n')).toHaveLength(3);
    expect((await api('sinceSeconds=5&sinceTime=2000-01-01T00:00:00Z')).status).toBe(422);
    expect((await api('limitBytes=0')).status).toBe(422);
    expect((await api('tailLines=-1')).status).toBe(422);
    expect(await api('sinceTime=yesterday')).toMatchObject({ status: 400 });
  });
});
