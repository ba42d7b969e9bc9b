// A process container's environment and volumes, built from its pod only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { containerEnv, type EnvSources } from '../../../src/kubelet/process/env.js';
import { inside, materializeVolumes, workingDirectory } from '../../../src/kubelet/process/volumes.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: EnvSources = {
  configMap: (name) => (name === 'cfg' ? { MODE: 'fast', 'app.conf': 'x=1\n' } : undefined),
  secret: (name) => (name === 'creds' ? { PASSWORD: b64('s3cret') } : undefined),
  allocatable: { cpu: '4', memory: '8Gi' },
};
const pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'app',
        image: 'busybox',
        resources: { limits: { memory: '64Mi' } },
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
        env: [
          { name: 'GREETING', value: 'hi' },
          { name: 'MESSAGE', value: '$(GREETING) from $(POD_NAME)' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
          { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        ],
        volumeMounts: [
          { name: 'config', mountPath: '/etc/app' },
          { name: 'scratch', mountPath: '/tmp/scratch' },
          { name: 'info', mountPath: '/etc/podinfo' },
        ],
        workingDir: '/srv',
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf' }] } },
      { name: 'scratch', emptyDir: {} },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { name: 'escape', configMap: { name: 'cfg', items: [{ key: 'MODE', path: '../../outside' }] } },
    ],
  },
  status: { podIP: '127.244.1.7' },
} as unknown as Pod;

describe('container env', () => {
  it('is built from the pod, ConfigMaps, Secrets and the downward API only', () => {
    const env = containerEnv(pod, pod.spec!.containers[0], sources);
    expect(env).toEqual({
      CFG_MODE: 'fast',
      'CFG_app.conf': 'x=1\n',
      GREETING: 'hi',
      // POD_NAME is defined after MESSAGE: its reference stays as written, as in Kubernetes.
      MESSAGE: 'hi from $(POD_NAME)',
      POD_NAME: 'web-1',
      APP: 'web',
      IP: '127.244.1.7',
      PASSWORD: 's3cret',
      MEM: '64',
      CPU: '4',
      HOSTNAME: 'web-1',
      PATH: expect.stringContaining('/usr/bin'),
    });
  });
});

describe('pod volumes as files', () => {
  it('writes each volume and links each mount under the pod root; no path leaves the pod dir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-vol-'));
    const podDir = path.join(dir, 'pod');
    materializeVolumes(pod, podDir, path.join(dir, 'claims'), sources, () => {});
    // `../../outside` is taken as a path inside its volume.
    expect(fs.readFileSync(path.join(podDir, 'volumes/escape/outside'), 'utf8')).toBe('fast');
    expect(fs.existsSync(path.join(dir, 'outside'))).toBe(false);
    const root = path.join(podDir, 'root');
    expect(fs.readFileSync(path.join(root, 'etc/app/conf/app.conf'), 'utf8')).toBe('x=1\n');
    expect(fs.readFileSync(path.join(root, 'etc/podinfo/labels'), 'utf8')).toBe('app="web"');
    expect(fs.statSync(path.join(root, 'tmp/scratch')).isDirectory()).toBe(true);
    expect(workingDirectory(podDir, pod.spec!.containers[0])).toBe(path.join(root, 'srv'));
    expect(() => inside(root, '../x')).not.toThrow(); // normalized to root/x: stays inside
    expect(inside(root, '../x')).toBe(path.join(root, 'x'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
