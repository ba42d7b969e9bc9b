// Priority (kube-apiserver's admission plugin): a pod's priority comes from its PriorityClass
// (spec.priorityClassName), or from the global default class, else 0; a class that does not
// exist, or a priority or preemption policy written in the pod that differs from its class's,
// is refused (403).
import { resourceNamed } from '../../api/resources.js';
import type { Pod, PriorityClass } from '../../api/types.js';
import * as E from '../errors.js';
import type { Registry } from '../registry.js';
import type { MutatingPlugin } from './plugin.js';

const pcR = resourceNamed('priorityclasses');

/** The global default class: of those marked globalDefault, the one with the lowest value. */
function globalDefault(reg: Registry): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of reg.scan(pcR)) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
  return best;
}

export const priority: MutatingPlugin<Pod> = {
  name: 'Priority',
  kinds: ['Pod'],
  admit({ reg, r, name }, pod) {
    const spec = pod.spec;
    if (!spec || typeof spec !== 'object') return;
    let className = spec.priorityClassName;
    let pc: PriorityClass | undefined;
    if (className) {
      pc = reg.find(pcR, '', className);
      if (!pc) throw E.forbidden(r, name, `no PriorityClass with name ${className} was found`);
    } else {
      pc = globalDefault(reg);
      className = pc?.metadata.name;
    }
    const value = pc?.value ?? 0;
    const policy = pc?.preemptionPolicy ?? 'PreemptLowerPriority';
    if (spec.priority !== undefined && spec.priority !== value)
      throw E.forbidden(r, name, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy)
      throw E.forbidden(r, name, `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    if (className) spec.priorityClassName = className;
    spec.priority = value;
    spec.preemptionPolicy = policy;
  },
};
