// ControllerRevisions: the template history of DaemonSets and StatefulSets (Deployments keep
// theirs in ReplicaSets). One revision per distinct template, named `<owner>-<hash>`, numbered;
// `rollout history` and `rollout undo` read them.
import { podTemplateHash } from '../api/pod-template.js';
import { resourceNamed } from '../api/resources.js';
import type { ControllerRevision, DaemonSet, KubeObject, StatefulSet } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { controllerRef } from './replicaset.js';

const revisionsR = resourceNamed('controllerrevisions');

export const REVISION_HASH_LABEL = 'controller-revision-hash';

/** The revisions an owner controls, oldest first. */
export function ownedRevisions(reg: Registry, owner: KubeObject): ControllerRevision[] {
  return reg
    .list(revisionsR, owner.metadata.namespace)
    .items.filter((r) => (r.metadata.ownerReferences ?? []).some((o) => o.uid === owner.metadata.uid && o.controller))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

/**
 * Makes sure the owner's current template has a revision (the newest number), and prunes old
 * ones beyond revisionHistoryLimit that no pod uses. Returns the current revision's hash.
 */
export function syncRevisions(reg: Registry, owner: DaemonSet | StatefulSet, inUse: Set<string>): { hash: string; revision: number; revisions: ControllerRevision[] } {
  const hash = podTemplateHash(owner.spec?.template);
  let revisions = ownedRevisions(reg, owner);
  const max = revisions.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  const name = `${owner.metadata.name}-${hash}`;
  const cur = revisions.find((r) => r.metadata.name === name);
  if (!cur) {
    const created = reg.createTrusted(revisionsR, owner.metadata.namespace!, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, labels: { ...(owner.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash }, ownerReferences: [controllerRef(owner)] },
      data: { spec: { template: { ...structuredClone(owner.spec.template), $patch: 'replace' } } },
      revision: max + 1,
    });
    revisions = [...revisions, created];
  } else if ((cur.revision ?? 0) < max) {
    // Rolling back to an older template makes its revision the newest again.
    const updated = reg.patchTrusted(revisionsR, owner.metadata.namespace!, name, { revision: max + 1 });
    revisions = [...revisions.filter((r) => r.metadata.name !== name), updated];
  }
  const limit = owner.spec?.revisionHistoryLimit ?? 10;
  const old = revisions.filter((r) => r.metadata.name !== name && !inUse.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? ''));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) reg.delete(revisionsR, owner.metadata.namespace!, r.metadata.name!);
  const current = revisions.find((r) => r.metadata.name === name)!;
  return { hash, revision: current.revision, revisions };
}
