// The disruption controller: keeps each PodDisruptionBudget's status (expected, healthy and
// desired healthy pods, disruptions allowed). The eviction subresource reads it (eviction.ts).
import { fromLabelSelector, matches } from '../api/labels.js';
import { isPodActive, isPodReady } from '../api/pods.js';
import { resourceNamed } from '../api/resources.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { rfc3339 } from '../api/duration.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';

const pdbR = resourceNamed('poddisruptionbudgets'), podsR = resourceNamed('pods');

/** A budget's numbers for `expected` pods of which `healthy` are ready (minAvailable or maxUnavailable, numbers or percentages rounded up). */
export function budget(spec: { minAvailable?: number | string; maxUnavailable?: number | string }, expected: number, healthy: number): { desiredHealthy: number; disruptionsAllowed: number } {
  const resolve = (v: number | string) => (typeof v === 'number' ? v : Math.ceil((Number(v.replace('%', '')) * expected) / 100));
  let desiredHealthy: number;
  if (spec.minAvailable !== undefined) desiredHealthy = resolve(spec.minAvailable);
  else if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expected - resolve(spec.maxUnavailable));
  else desiredHealthy = expected;
  return { desiredHealthy, disruptionsAllowed: Math.max(0, healthy - desiredHealthy) };
}

export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    for (const pdb of reg.list(pdbR, undefined).items) {
      try {
        const sel = fromLabelSelector(pdb.spec?.selector);
        const pods = reg.list(podsR, pdb.metadata.namespace).items.filter((p) => isPodActive(p) && sel.length > 0 && matches(sel, p.metadata.labels));
        const healthy = pods.filter(isPodReady).length;
        const b = budget(pdb.spec ?? {}, pods.length, healthy);
        const allowed = b.disruptionsAllowed > 0;
        const prev = (pdb.status?.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
        const status = {
          observedGeneration: pdb.metadata.generation,
          disruptionsAllowed: b.disruptionsAllowed,
          currentHealthy: healthy,
          desiredHealthy: b.desiredHealthy,
          expectedPods: pods.length,
          conditions: [
            {
              type: 'DisruptionAllowed',
              status: allowed ? ('True' as const) : ('False' as const),
              reason: allowed ? 'SufficientPods' : 'InsufficientPods',
              message: '',
              observedGeneration: pdb.metadata.generation,
              lastTransitionTime: prev && prev.status === (allowed ? 'True' : 'False') ? prev.lastTransitionTime : rfc3339(reg.clock.now()),
            },
          ],
        };
        reg.writeStatus(pdbR, pdb.metadata.namespace!, pdb.metadata.name!, status);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }
}
