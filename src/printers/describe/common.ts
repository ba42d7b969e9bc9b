// What every describer shares: the extras it may show, and the Labels/Annotations and Pods Status
// lines kubectl prints the same way for many kinds.
import type { Event, KubeObject, Lease, Pod } from '../../api/types.js';
import type { DescribeWriter } from './writer.js';

/** What a describer may show besides the object itself. */
export interface DescribeExtras<R extends KubeObject = KubeObject> {
  events?: Event[];
  now: number;
  /** ReplicaSets of a Deployment; pods of a ReplicaSet, Job, DaemonSet, StatefulSet or Node; endpoints of a Service or Ingress; pods using a claim. */
  related?: R[];
  /** A Node's Lease. */
  lease?: Lease;
}

/** An optional part of an object, or an empty one to read fields of. */
export function part<T extends object>(v: T | undefined | null): Partial<T> {
  return v ?? {};
}

/** `Labels:` and `Annotations:` (without the last-applied configuration, as kubectl). */
export function labelsAndAnnotations(w: DescribeWriter, o: KubeObject): void {
  w.map(0, 'Labels:', o.metadata.labels);
  w.map(0, 'Annotations:', o.metadata.annotations, ': ', ['kubectl.kubernetes.io/last-applied-configuration']);
}

/** `Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed`. */
export function podsStatus(w: DescribeWriter, pods: Pod[]): void {
  const count = (phase: string) => pods.filter((p) => (p.status?.phase ?? 'Pending') === phase).length;
  w.line(0, 'Pods Status:', `${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed`);
}
