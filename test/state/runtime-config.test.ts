// The operator's runtime config: parsed strictly, with the file and what is wrong.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { execRuleFor } from '../../src/kubelet/exec.js';
import { parseRuntimeConfig } from '../../src/state/runtime-config.js';

describe('runtime config', () => {
  it('reads exec rules', () => {
    const config = parseRuntimeConfig(
      'apiVersion: minik.dev/v1alpha1\nkind: RuntimeConfig\nexec:\n- namespace: shop\n  podSelector: {matchLabels: {app: api}}\n  workDir: /srv/api\n  env: [{name: A, value: b}]\n- {}\n',
      'rt.yaml',
    );
    expect(config.exec).toEqual([
      { namespace: 'shop', matchLabels: { app: 'api' }, workDir: '/srv/api', env: [{ name: 'A', value: 'b' }] },
      { namespace: undefined, matchLabels: undefined, workDir: undefined, env: [] },
    ]);
    const pod = (namespace: string, labels: Record<string, string>) => ({ metadata: { name: 'p', namespace, labels } }) as Pod;
    expect(execRuleFor(config, pod('shop', { app: 'api' }))?.workDir).toBe('/srv/api');
    expect(execRuleFor(config, pod('shop', { app: 'web' }))?.workDir).toBeUndefined();
    expect(execRuleFor({ exec: [config.exec[0]] }, pod('default', { app: 'api' }))).toBeUndefined();
  });

  it('is empty for an empty file', () => {
    expect(parseRuntimeConfig('', 'rt.yaml')).toEqual({ exec: [], portForward: [] });
  });

  it('reads the process allowlist: program names found on the PATH, or given paths', () => {
    const config = parseRuntimeConfig(
      'processes:\n  user: {uid: 65534, gid: 65533}\n  images:\n  - image: busybox\n    programs: [sh]\n  - image: python:3*\n    programs: {python3: /usr/bin/python3}\n    entrypoint: [python3]\n',
      'rt.yaml',
    );
    expect(config.processes).toEqual({
      user: { uid: 65534, gid: 65533 },
      allowRoot: false,
      images: [
        { image: 'busybox', programs: { sh: expect.stringMatching(/\/sh$/) }, entrypoint: undefined },
        { image: 'python:3*', programs: { python3: '/usr/bin/python3' }, entrypoint: ['python3'] },
      ],
    });
    expect(parseRuntimeConfig('exec: []', 'rt.yaml').processes).toBeUndefined();
  });

  it('reads port-forward rules', () => {
    const config = parseRuntimeConfig('portForward:\n- podSelector: {matchLabels: {app: db}}\n  address: 127.0.0.1\n  ports: {5432: 15432}\n', 'rt.yaml');
    expect(config.portForward).toEqual([{ namespace: undefined, matchLabels: { app: 'db' }, address: '127.0.0.1', ports: { 5432: 15432 } }]);
  });

  it.each([
    ['exec: [{workDir: relative/dir}]', 'rt.yaml: exec[0].workDir: expected an absolute path'],
    ['exec: [{image: busybox}]', 'rt.yaml: exec[0].image: unknown field'],
    ['kind: Pod', 'rt.yaml: kind: expected RuntimeConfig, got "Pod"'],
    ['exec: {a: 1}', 'rt.yaml: exec: expected a list'],
    ['exec: [{env: [{value: x}]}]', 'rt.yaml: exec[0].env[0]: expected {name: string, value: string}'],
    ['exec: [{podSelector: {matchLabels: {app: 1}}}]', 'rt.yaml: exec[0].podSelector.matchLabels.app: expected a string'],
    ['exec: [\n  - a: [', 'rt.yaml:2:'],
    ['processes: {images: [{image: busybox, programs: [no-such-program-here]}]}', 'rt.yaml: processes.images[0].programs[0]: "no-such-program-here" is not on this machine\'s PATH'],
    ['processes: {images: [{image: busybox, programs: [/bin/sh]}]}', 'rt.yaml: processes.images[0].programs[0]: expected a program name (no path)'],
    ['processes: {images: [{image: busybox, programs: {sh: bin/sh}}]}', 'rt.yaml: processes.images[0].programs.sh: expected an absolute path'],
    ['processes: {images: [{image: busybox}]}', 'rt.yaml: processes.images[0]: names no programs and no entrypoint'],
    ['processes: {images: [{image: x, programs: [sh], entrypoint: [node]}]}', 'rt.yaml: processes.images[0].entrypoint[0]: "node" is not one of this image\'s programs'],
    ['processes: {user: {uid: root}}', 'rt.yaml: processes.user: expected {uid: number, gid: number}'],
    ['processes: {root: true}', 'rt.yaml: processes.root: unknown field'],
    ['portForward: [{ports: {80: 8080}}]', 'rt.yaml: portForward[0].address: expected a host name or address'],
    ['portForward: [{address: x, ports: {80: 70000}}]', 'rt.yaml: portForward[0].ports.80: expected a port number'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRuntimeConfig(text, 'rt.yaml')).toThrow(message);
  });
});
