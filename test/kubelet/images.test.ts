// Images: references that do not parse (InvalidImageName) and pulls that fail (ErrImagePull,
// then ImagePullBackOff with the kubelet's back-off).
import { describe, expect, it } from 'vitest';
import { invalidImage, pullAttempt, qualifiedImage } from '../../src/kubelet/images.js';
import { TestCluster, pod } from '../cluster.js';

describe('image references', () => {
  it.each([
    ['nginx', true],
    ['nginx:1.27', true],
    ['library/nginx:1.27-alpine', true],
    ['registry.k8s.io/pause:3.10', true],
    ['localhost:5000/team/app:v1', true],
    ['ghcr.io/org/app@sha256:' + 'a'.repeat(64), true],
    ['<your-private-image>', false],
    ['nginx:', false],
    ['Nginx', false],
    ['my image', false],
    ['nginx::1', false],
  ])('%s parses: %s', (image, ok) => {
    expect(invalidImage(image) === undefined).toBe(ok);
  });

  it('words the error as the kubelet does', () => {
    expect(invalidImage('<your-private-image>')).toBe('Failed to apply default image tag "<your-private-image>": couldn\'t parse image name "<your-private-image>": invalid reference format');
  });

  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['team/app:v1', 'docker.io/team/app:v1'],
    ['registry.k8s.io/pause', 'registry.k8s.io/pause:latest'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
  ])('%s is pulled as %s', (image, ref) => {
    expect(qualifiedImage(image)).toBe(ref);
  });

  it('retries a failing pull after 10 s, doubling to 5 min (each attempt shows ErrImagePull for 1 s)', () => {
    const at = (s: number) => pullAttempt(0, s * 1000).at / 1000;
    expect([0, 5, 11, 20, 32, 60, 73].map(at)).toEqual([0, 0, 11, 11, 32, 32, 73]);
    expect(pullAttempt(0, 10_000_000).next - pullAttempt(0, 10_000_000).at).toBe(301_000);
  });
});

describe('image problems in a cluster', () => {
  it('an invalid reference gives InvalidImageName and the pod never starts', () => {
    const k = new TestCluster();
    k.create(pod('p', { containers: [{ name: 'app', image: '<your-private-image>' }] }));
    k.run(5000);
    expect(k.podStatus('p')).toBe('InvalidImageName');
    const st = k.get('pods', 'p')!.status.containerStatuses[0];
    expect(st.state.waiting).toEqual({ reason: 'InvalidImageName', message: 'Failed to apply default image tag "<your-private-image>": couldn\'t parse image name "<your-private-image>": invalid reference format' });
    expect(k.events('InspectFailed')).toHaveLength(1);
  });

  it('an unpullable image goes ErrImagePull, then ImagePullBackOff, and is retried with back-off', () => {
    const k = new TestCluster();
    k.create(pod('p', { containers: [{ name: 'app', image: 'example.com/team/app:v2' }] }, { 'minik.dev/image-pull': 'fail' }));
    k.until(() => k.podStatus('p') === 'ErrImagePull', 2000);
    expect(k.get('pods', 'p')!.status.containerStatuses[0].state.waiting.message).toBe(
      'rpc error: code = NotFound desc = failed to pull and unpack image "example.com/team/app:v2": failed to resolve reference "example.com/team/app:v2": example.com/team/app:v2: not found',
    );
    // A second later the kubelet backs off.
    expect(k.until(() => k.podStatus('p') === 'ImagePullBackOff', 2000)).toBeLessThanOrEqual(1100);
    expect(k.get('pods', 'p')!.status.containerStatuses[0].state.waiting.message).toBe('Back-off pulling image "example.com/team/app:v2"');
    k.run(75_000);
    // Attempts at about 0, 11, 32 and 73 s.
    expect(k.events('Pulling')[0].count).toBe(4);
    expect(k.get('pods', 'p')!.status.phase).toBe('Pending');
  });
});
