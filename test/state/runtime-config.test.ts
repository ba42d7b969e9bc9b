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
    expect(parseRuntimeConfig('', 'rt.yaml')).toEqual({ exec: [] });
  });

  it.each([
    ['exec: [{workDir: relative/dir}]', 'rt.yaml: exec[0].workDir: expected an absolute path'],
    ['exec: [{image: busybox}]', 'rt.yaml: exec[0].image: unknown field'],
    ['kind: Pod', 'rt.yaml: kind: expected RuntimeConfig, got "Pod"'],
    ['exec: {a: 1}', 'rt.yaml: exec: expected a list'],
    ['exec: [{env: [{value: x}]}]', 'rt.yaml: exec[0].env[0]: expected {name: string, value: string}'],
    ['exec: [{podSelector: {matchLabels: {app: 1}}}]', 'rt.yaml: exec[0].podSelector.matchLabels.app: expected a string'],
    ['exec: [\n  - a: [', 'rt.yaml:2:'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRuntimeConfig(text, 'rt.yaml')).toThrow(message);
  });
});
