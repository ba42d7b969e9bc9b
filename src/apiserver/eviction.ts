// POST pods/NAME/eviction: a graceful delete that PodDisruptionBudgets may refuse (429), as the
// apiserver's eviction REST does. A successful eviction takes one disruption from the budget at
// once, so two evictions in a row cannot both use the last one.
import { fromLabelSelector, matches } from '../api/labels.js';
import { isPodReady } from '../api/pods.js';
import { resourceNamed } from '../api/resources.js';
import type { Status } from '../api/types.js';
import { StatusError } from './errors.js';
import type { DeleteOptions, Registry } from './registry.js';

const podsR = resourceNamed('pods'), pdbR = resourceNamed('poddisruptionbudgets');

export function evict(reg: Registry, ns: string, name: string, deleteOptions: DeleteOptions, dryRun: boolean): void {
  const pod = reg.get(podsR, ns, name);
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  // Pods that are finished, pending or already going never count against a budget.
  if (!terminal && !pod.metadata.deletionTimestamp) {
    const pdbs = reg.list(pdbR, ns).items.filter((b) => {
      const sel = fromLabelSelector(b.spec?.selector);
      return sel.length > 0 && matches(sel, pod.metadata.labels);
    });
    if (pdbs.length > 1) throw tooMany('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const pdb = pdbs[0];
    if (pdb && isPodReady(pod)) {
      // A budget without a status has not been processed yet (its generation is at least 1).
      const st = pdb.status;
      if (!st || (st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw tooMany('Cannot evict pod as it would violate the pod\'s disruption budget.', `The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
      if ((st.disruptionsAllowed ?? 0) <= 0)
        throw tooMany('Cannot evict pod as it would violate the pod\'s disruption budget.', `The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
      if (!dryRun) reg.writeStatus(pdbR, ns, pdb.metadata.name!, { ...st, disruptionsAllowed: st.disruptionsAllowed - 1 });
    }
  }
  reg.delete(podsR, ns, name, { ...deleteOptions, dryRun });
}

function tooMany(message: string, cause?: string): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'TooManyRequests', code: 429, ...(cause ? { details: { causes: [{ reason: 'DisruptionBudget', message: cause }] } } : {}) };
  return new StatusError(status);
}
