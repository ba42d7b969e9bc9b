// What a long wait is waiting for: on a terminal, `rollout status` and `wait` print a line on
// stderr whenever what the pods concerned still lack changes (`2/3 pods ready; web-x Pending:
// 0/3 nodes are available: 3 Insufficient cpu.`); scripts (no terminal) get kubectl's output only.
import { selectorString } from '../api/labels.js';
import { podProblem, podsProgress } from '../api/pod-problems.js';
import { isPodActive } from '../api/pods.js';
import { type ResourceInfo, resourceNamed } from '../api/resources.js';
import type { KubeList, KubeObject, LabelSelector, Pod } from '../api/types.js';
import { type Client, resourcePath } from '../client/client.js';
import type { Context } from './context.js';

const podsR = resourceNamed('pods');

/** First look after a second, then every two. */
const FIRST_MS = 1000;
const EVERY_MS = 2000;

/** The line for an object: a pod's own problem, or its pods' progress for an object with a pod selector. */
export async function progressOf(client: Client, r: ResourceInfo, namespace: string, name: string): Promise<string | undefined> {
  const o = (await client.get(resourcePath(r, r.namespaced ? namespace : undefined, name))).body as KubeObject;
  if (r.kind === 'Pod') {
    const problem = podProblem(o as Pod);
    return problem ? `${name} ${problem}` : undefined;
  }
  const selector = (o as { spec?: { selector?: LabelSelector } }).spec?.selector;
  if (!selector || typeof selector !== 'object' || !selector.matchLabels && !selector.matchExpressions) return undefined;
  const pods = (await client.get<KubeList<Pod>>(resourcePath(podsR, namespace), { labelSelector: selectorString(selector) })).body.items.filter(isPodActive);
  return pods.length ? podsProgress(pods) : undefined;
}

/**
 * The line for an object being deleted: what it still waits for (its finalizers, a pod's grace
 * period); undefined once it is gone.
 */
export async function removalOf(client: Client, r: ResourceInfo, namespace: string, name: string): Promise<string | undefined> {
  let o: KubeObject;
  try {
    o = (await client.get(resourcePath(r, r.namespaced ? namespace : undefined, name))).body as KubeObject;
  } catch {
    return undefined;
  }
  const finalizers = o.metadata.finalizers ?? [];
  if (finalizers.length) return `${name}: waiting for finalizers: ${finalizers.join(', ')}`;
  if (r.kind === 'Pod' && o.metadata.deletionTimestamp) return `${name}: Terminating (grace period ${o.metadata.deletionGracePeriodSeconds ?? 30}s)`;
  return undefined;
}

/**
 * Runs `waiting`; meanwhile, on a terminal, prints `line()` on stderr each time it changes.
 * The lines are advice: a failure to compute one is not the command's.
 */
export async function withProgress<T>(ctx: Context, line: () => Promise<string | undefined>, waiting: Promise<T>): Promise<T> {
  if (!ctx.io.stderr.isTTY) return waiting;
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      const l = await line();
      if (!stopped && l && l !== last) ctx.err(ctx.color.yellow(l));
      last = l;
    } catch {
      // advice only
    }
    if (!stopped) timer = setTimeout(tick, EVERY_MS);
  };
  timer = setTimeout(tick, FIRST_MS);
  try {
    return await waiting;
  } finally {
    stopped = true;
    clearTimeout(timer);
  }
}
