// The image allowlist: which images run as processes, and what argv a container runs.
import { describe, expect, it } from 'vitest';
import { containerArgv, expandRefs, imageMatches, normalizeImage } from '../../../src/kubelet/process/programs.js';
import type { ImageEntry } from '../../../src/state/runtime-config.js';

describe('image globs', () => {
  it.each([
    ['busybox', 'busybox', true],
    ['busybox', 'busybox:1.36', true],
    ['busybox', 'docker.io/library/busybox:latest', true],
    ['busybox', 'busybox@sha256:abc', true],
    ['busybox', 'example.com/busybox', false],
    ['busybox', 'busybox-extra', false],
    ['python:3*', 'python:3.12-slim', true],
    ['python:3*', 'python:2.7', false],
    ['python:3*', 'python', false],
    ['node:*', 'node:20', true],
    ['example.com/web:dev', 'example.com/web:dev', true],
    ['example.com/web:dev', 'example.com/web:prod', false],
    ['alpine:latest', 'alpine', true],
  ])('%s matches %s: %s', (glob, image, want) => {
    expect(imageMatches(glob, image)).toBe(want);
  });

  it('normalizes references', () => {
    expect(normalizeImage('docker.io/library/nginx')).toEqual({ name: 'nginx', tag: 'latest' });
    expect(normalizeImage('localhost:5000/app:v1')).toEqual({ name: 'localhost:5000/app', tag: 'v1' });
  });
});

describe('container argv', () => {
  const busybox: ImageEntry = { image: 'busybox', programs: { sh: '/bin/sh', cat: '/bin/cat' } };
  const python: ImageEntry = { image: 'python:3*', programs: { python3: '/usr/bin/python3' }, entrypoint: ['python3'] };

  it.each([
    ['a command by name', busybox, { command: ['sh', '-c', 'echo hi'] }, ['/bin/sh', '-c', 'echo hi']],
    ['a command by path in the image: the name counts', busybox, { command: ['/bin/sh', '-c', 'x'] }, ['/bin/sh', '-c', 'x']],
    ['args after command', busybox, { command: ['cat'], args: ['f'] }, ['/bin/cat', 'f']],
    ['args alone follow the entrypoint', python, { args: ['-m', 'http.server'] }, ['/usr/bin/python3', '-m', 'http.server']],
    ['$(VAR) expanded, unknown kept, $$ escaped', busybox, { command: ['sh', '-c', 'echo $(GREETING) $(NOPE) $$(GREETING)'] }, ['/bin/sh', '-c', 'echo hi $(NOPE) $(GREETING)']],
  ])('%s', (_name, entry, c, argv) => {
    expect(containerArgv(entry, c, { GREETING: 'hi' })).toEqual({ argv });
  });

  it('refuses what the image does not provide, as containerd says it', () => {
    expect(containerArgv(busybox, { command: ['/usr/bin/python3'] }, {})).toEqual({ error: expect.stringContaining('exec: "/usr/bin/python3": executable file not found in $PATH: unknown') });
    expect(containerArgv(busybox, {}, {})).toEqual({ error: expect.stringContaining('no command specified') });
  });

  it('expands only defined variables', () => {
    expect(expandRefs('$(A)-$(B)', { A: '1' })).toBe('1-$(B)');
  });
});
