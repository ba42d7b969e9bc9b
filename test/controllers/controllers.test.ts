import { X509Certificate } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resolveResource } from '../../src/api/resources.js';
import type { ConfigMap, KubeObject } from '../../src/api/types.js';
import { Registry } from '../../src/apiserver/registry.js';
import { GarbageCollector } from '../../src/controllers/garbage-collector.js';
import { NamespaceController } from '../../src/controllers/namespace.js';
import { ServiceAccountController } from '../../src/controllers/serviceaccount.js';
import { RootCACertPublisher } from '../../src/controllers/root-ca-cert-publisher.js';
import { TEST_CA } from '../cluster.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { ControlLoop } from '../../src/daemon/loop.js';
import { Store } from '../../src/store/store.js';

const [cmR, nsR, saR, deployR] = ['cm', 'ns', 'sa', 'deploy'].map((n) => resolveResource(n)[0]);
let reg: Registry;
let loop: ControlLoop;
let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock();
  reg = new Registry(new Store(':memory:'), clock);
  bootstrap(reg);
  loop = new ControlLoop(reg, [new NamespaceController(), new GarbageCollector(), new ServiceAccountController()]);
});

const owned = (name: string, owner: KubeObject, extra: Partial<KubeObject['metadata']['ownerReferences'] extends (infer T)[] | undefined ? T : never> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ownerReferences: [{ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, ...extra }] },
});
const cm = (name: string, ns = 'default') => reg.create(cmR, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
const names = (ns = 'default') => reg.list(cmR, ns).items.map((o) => o.metadata.name);

describe('garbage collector', () => {
  it('deletes dependents whose owner is gone (background), matching owners by UID', () => {
    const owner = cm('owner');
    reg.create(cmR, 'default', owned('child', owner));
    loop.tick();
    expect(names()).toEqual(['child', 'owner']);
    reg.delete(cmR, 'default', 'owner');
    // A new owner with the same name but another UID does not adopt the child.
    cm('owner');
    loop.tick();
    expect(names()).toEqual(['owner']);
  });

  it('treats a cross-namespace owner reference as absent', () => {
    reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const owner = cm('owner', 'other');
    reg.create(cmR, 'default', owned('child', owner));
    loop.tick();
    expect(names()).toEqual([]);
  });

  it('checks objects created after its first pass: owners present are kept, missing or cross-namespace ones are collected', () => {
    reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const owner = cm('owner');
    const elsewhere = cm('elsewhere', 'other');
    loop.tick();
    reg.create(cmR, 'default', owned('kept', owner));
    loop.tick();
    expect(names()).toEqual(['kept', 'owner']);
    reg.create(cmR, 'default', owned('orphan', { ...owner, metadata: { ...owner.metadata, name: 'ghost', uid: 'no-such-uid' } }));
    reg.create(cmR, 'default', owned('cross', elsewhere));
    loop.tick();
    expect(names()).toEqual(['kept', 'owner']);
  });

  it('foreground deletion removes blocking dependents before the owner', () => {
    const owner = cm('owner');
    reg.create(cmR, 'default', owned('child', owner, { blockOwnerDeletion: true }));
    const { deleted } = reg.delete(cmR, 'default', 'owner', { propagationPolicy: 'Foreground' });
    expect(deleted).toBe(false);
    expect(reg.get(cmR, 'default', 'owner').metadata.finalizers).toEqual(['foregroundDeletion']);
    // The dependent goes first (itself deleted in the foreground), then the owner.
    const seen: string[][] = [];
    for (let i = 0; i < 5 && names().length > 0; i++) {
      loop.tick();
      seen.push(names() as string[]);
    }
    expect(seen[0]).toEqual(['child', 'owner']);
    expect(seen).toContainEqual(['owner']);
    expect(seen[seen.length - 1]).toEqual([]);
  });

  it('orphan deletion releases dependents and keeps them', () => {
    const owner = cm('owner');
    reg.create(cmR, 'default', owned('child', owner));
    reg.delete(cmR, 'default', 'owner', { propagationPolicy: 'Orphan' });
    loop.tick();
    loop.tick();
    expect(names()).toEqual(['child']);
    expect(reg.get(cmR, 'default', 'child').metadata.ownerReferences).toBeUndefined();
  });
});

describe('namespace controller', () => {
  it('deletes everything in a terminating namespace, then the namespace', () => {
    reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    loop.tick();
    cm('a', 'team');
    reg.create(deployR, 'team', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    reg.delete(nsR, '', 'team');
    expect(reg.get(nsR, '', 'team').status.phase).toBe('Terminating');
    expect(() => cm('late', 'team')).toThrowError(expect.objectContaining({ status: expect.objectContaining({ code: 403, message: 'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated' }) }));
    // Content goes only after the controller's delay, as a real namespace controller takes a moment.
    loop.tick();
    expect(names('team')).toEqual(['a']);
    clock.advance(1000);
    loop.tick();
    loop.tick();
    expect(reg.find(nsR, '', 'team')).toBeUndefined();
    expect(reg.list(cmR, 'team').items).toEqual([]);
  });

  it('waits for content with finalizers, and says so in its conditions', () => {
    reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stuck' } });
    reg.create(cmR, 'stuck', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    reg.delete(nsR, '', 'stuck');
    clock.advance(1000);
    loop.tick();
    loop.tick();
    const ns = reg.get(nsR, '', 'stuck');
    expect(ns.status.conditions.find((c: any) => c.type === 'NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    reg.patch(cmR, 'stuck', 'held', 'merge', { metadata: { finalizers: null } });
    loop.tick();
    expect(reg.find(nsR, '', 'stuck')).toBeUndefined();
  });
});

describe('service account controller', () => {
  it('gives every namespace a default ServiceAccount', () => {
    reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
    loop.tick();
    expect(reg.find(saR, 'fresh', 'default')).toBeDefined();
    expect(reg.list(saR, undefined).items).toHaveLength(5);
  });
});

describe('root CA certificate publisher', () => {
  const ca = TEST_CA.certPem;
  const rootCA = (ns: string) => reg.find(cmR, ns, 'kube-root-ca.crt') as ConfigMap | undefined;

  it('gives every active namespace a kube-root-ca.crt with the cluster CA, and puts it back when edited or deleted', () => {
    const publish = new ControlLoop(reg, [new NamespaceController(), new RootCACertPublisher(ca)]);
    publish.tick();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(rootCA(ns)!.data).toEqual({ 'ca.crt': ca });
    const cert = new X509Certificate(rootCA('default')!.data!['ca.crt']);
    expect([cert.ca, cert.subject, cert.verify(cert.publicKey)]).toEqual([true, 'CN=minikCA', true]);
    expect(rootCA('default')!.metadata.annotations?.['kubernetes.io/description']).toMatch(/^Contains a CA bundle/);

    reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
    reg.patch(cmR, 'default', 'kube-root-ca.crt', 'merge', { data: { 'ca.crt': 'tampered', extra: 'x' }, binaryData: { b: 'AA==' } });
    reg.delete(cmR, 'kube-public', 'kube-root-ca.crt');
    publish.tick();
    expect(rootCA('fresh')!.data).toEqual({ 'ca.crt': ca });
    expect(rootCA('default')!.data).toEqual({ 'ca.crt': ca });
    expect(rootCA('default')!.binaryData).toEqual({ b: 'AA==' }); // only data is the controller's
    expect(rootCA('kube-public')!.data).toEqual({ 'ca.crt': ca });

    // A terminating namespace gets none back; an immutable replacement is left as it is, the others still mended.
    reg.delete(nsR, '', 'fresh');
    reg.delete(cmR, 'kube-system', 'kube-root-ca.crt');
    reg.create(cmR, 'kube-system', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' }, immutable: true, data: { 'ca.crt': 'mine' } });
    reg.delete(cmR, 'kube-node-lease', 'kube-root-ca.crt');
    publish.tick();
    expect(rootCA('kube-system')!.data).toEqual({ 'ca.crt': 'mine' });
    expect(rootCA('kube-node-lease')!.data).toEqual({ 'ca.crt': ca });
    clock.advance(1000);
    publish.tick();
    publish.tick();
    expect(reg.find(nsR, '', 'fresh')).toBeUndefined();
    expect(rootCA('fresh')).toBeUndefined();
  });
});

describe('control loop', () => {
  it('keeps going when a controller throws', () => {
    const errors: string[] = [];
    const bad = { name: 'bad', sync: () => { throw new Error('boom'); } };
    const l = new ControlLoop(reg, [bad, new ServiceAccountController()], (line) => errors.push(line));
    l.tick();
    expect(errors[0]).toMatch(/^controller bad failed: Error: boom/);
    expect(reg.find(saR, 'default', 'default')).toBeDefined();
  });
});
