// The CustomResourceDefinition controllers of the apiextensions apiserver, as one: naming (which
// names a CRD may have, NamesAccepted), establishing (Established once they are accepted),
// stored versions, and the finalizer of a deleted CRD (its objects are deleted, then the CRD).
// What is served follows the same naming rule (api/custom-resources.ts), so status and serving agree.
import { crdResources, namesVerdicts, type NamesVerdict } from '../api/custom-resources.js';
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { CustomResourceDefinition } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { StatusError } from '../apiserver/errors.js';
import { CRD_CLEANUP_FINALIZER, withCondition } from '../apiserver/strategies/crd.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';

const crdR = resourceNamed('customresourcedefinitions');

/** The status a live CRD should have, given the verdict on its names. */
function desiredStatus(crd: CustomResourceDefinition, verdict: NamesVerdict, now: string): NonNullable<CustomResourceDefinition['status']> {
  const n = crd.spec.names;
  let conditions = withCondition(crd.status?.conditions, { type: 'NamesAccepted', status: verdict.accepted ? 'True' : 'False', reason: verdict.reason, message: verdict.message, lastTransitionTime: now });
  conditions = withCondition(
    conditions,
    verdict.accepted
      ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now }
      : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted', lastTransitionTime: now },
  );
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const stored = [...(crd.status?.storedVersions ?? [])];
  if (storage && !stored.includes(storage)) stored.push(storage);
  return {
    ...crd.status,
    conditions,
    acceptedNames: verdict.accepted ? { plural: n.plural, singular: n.singular, ...(n.shortNames?.length ? { shortNames: n.shortNames } : {}), kind: n.kind, listKind: n.listKind, ...(n.categories?.length ? { categories: n.categories } : {}) } : (crd.status?.acceptedNames ?? { plural: '', kind: '' }),
    storedVersions: stored,
  };
}

export class CustomResourceDefinitionController implements Controller {
  readonly name = 'customresourcedefinition';

  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (reg.count(crdR) === 0 || !this.gate.changed(reg)) return;
    const crds = [...reg.scan(crdR)];
    // The same verdicts as what is served: a CRD being deleted keeps its names until it is gone.
    const verdicts = namesVerdicts(crds);
    const now = rfc3339(reg.clock.now());
    for (const crd of crds) {
      const name = crd.metadata.name!;
      if (crd.metadata.deletionTimestamp) this.finalize(reg, crd);
      else reg.writeStatus(crdR, '', name, desiredStatus(crd, verdicts.get(name)!, now));
    }
  }

  /** A deleted CRD: deletes its objects; once none remain, removes the cleanup finalizer (and so the CRD). */
  private finalize(reg: Registry, crd: CustomResourceDefinition): void {
    if (!crd.metadata.finalizers?.includes(CRD_CLEANUP_FINALIZER)) return;
    // The storage version's resource reaches every object, whichever version wrote it.
    const [r] = crdResources(crd, true);
    let remaining = 0;
    if (r) {
      for (const o of [...reg.scan(r)]) {
        remaining++;
        if (o.metadata.deletionTimestamp) continue;
        try {
          reg.delete(r, o.metadata.namespace ?? '', o.metadata.name!, { propagationPolicy: 'Background' });
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      remaining = reg.count(r);
    }
    if (remaining > 0) return;
    const finalizers = crd.metadata.finalizers.filter((f) => f !== CRD_CLEANUP_FINALIZER);
    reg.updateTrusted(crdR, { ...crd, metadata: { ...crd.metadata, finalizers } });
  }
}
