// What a command that works on one pod takes (logs, port-forward), as kubectl's
// AttachablePodForObject: a pod name, or TYPE/NAME of a pod, a workload or a Service, whose pods
// its selector finds.
import { mapSelectorString, selectorString } from '../api/labels.js';
import { type ResourceInfo, resourceNamed } from '../api/resources.js';
import type { KubeList, KubeObject, LabelSelector, Pod } from '../api/types.js';
import { deletionOrder } from '../api/pod-ranking.js';
import { ApiError, type Client, resourcePath } from '../client/client.js';
import type { Context } from './context.js';
import { CliError } from './errors.js';
import { parseResourceArgs } from './resource-args.js';

const podsR = resourceNamed('pods');

/** What the argument names: its resource, the object, and the pods it stands for (a pod: itself). */
export interface PodTarget {
  r: ResourceInfo;
  name: string;
  obj: KubeObject;
  pods: Pod[];
}

/** The label selector of an object that selects pods: a map for ReplicationControllers and Services, a LabelSelector for the others. */
function podSelectorOf(r: ResourceInfo, obj: KubeObject): string {
  const selector = (obj as { spec?: { selector?: unknown } }).spec?.selector;
  if (r.kind === 'Service') {
    if (!selector || Object.keys(selector).length === 0) throw new CliError(`error: invalid service '${obj.metadata.name}': Service is defined without a selector`);
    return mapSelectorString(selector as Record<string, string>);
  }
  if (r.kind === 'ReplicationController') return mapSelectorString(selector as Record<string, string> | undefined);
  if (!selector) throw new CliError(`error: cannot attach to ${r.kind}: selector for ${r.kind} not implemented`);
  return selectorString(selector as LabelSelector);
}

/**
 * Resolves `arg` (NAME: a pod; or TYPE/NAME) in `ns`. A 404 comes back as the client's ApiError,
 * or as what `notFound` makes of it (the command's own words), when it makes anything.
 */
export async function podTarget(ctx: Context, client: Client, ns: string, arg: string, verb: string, notFound?: (r: ResourceInfo, name: string) => Error | undefined): Promise<PodTarget> {
  const [q] = await parseResourceArgs(ctx, arg.includes('/') ? [arg] : ['pods', arg], verb);
  const name = q.names[0];
  let obj: KubeObject;
  try {
    obj = (await client.get(resourcePath(q.r, ns, name))).body as KubeObject;
  } catch (e) {
    throw (e instanceof ApiError && e.httpStatus === 404 && notFound?.(q.r, name)) || e;
  }
  if (q.r.kind === 'Pod') return { r: q.r, name, obj, pods: [obj as Pod] };
  const pods = (await client.get<KubeList<Pod>>(resourcePath(podsR, ns), { labelSelector: podSelectorOf(q.r, obj) })).body.items;
  return { r: q.r, name, obj, pods };
}

/** The pod kubectl picks of several: the most active, the last one a scale-down would delete. */
export function mostActivePod(pods: Pod[]): Pod | undefined {
  return [...pods].sort(deletionOrder).pop();
}
