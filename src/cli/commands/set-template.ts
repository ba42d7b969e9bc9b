// What `set env`, `set resources` and `set serviceaccount` share, as kubectl's `set` commands do:
// each named object's pod template is changed in a copy, and the difference is sent as a two-way
// strategic merge patch (none when nothing changed), then `<kind>/<name> <operation>` printed.
import { podSpecOf } from '../../api/pods.js';
import { qualifiedSingular } from '../../api/resources.js';
import type { KubeObject, PodSpec } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';
import { parseResourceArgs } from '../resource-args.js';

/** A container name against kubectl's selector (`*` matches any run of characters). */
export function selects(name: string, selector: string): boolean {
  const re = new RegExp(`^${selector.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

export interface TemplatePatchOptions {
  namespace?: string;
  /** The command, for errors (`set env`). */
  verb: string;
  /** What is printed after the name (`env updated`). */
  operation: string;
  /** Print even when the patch is empty (kubectl's `set serviceaccount` does). */
  printUnchanged?: boolean;
  /** Only look (`set env --list`): nothing is sent. */
  list?: boolean;
}

/**
 * Changes the pod template of every object named in `resources` with `mutate` (given the copy, its
 * pod spec and its name) and patches what changed; returns the exit code.
 */
export async function patchPodTemplates(ctx: Context, resources: string[], opts: TemplatePatchOptions, mutate: (obj: KubeObject, spec: PodSpec, name: string) => void): Promise<number> {
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const { threeWayPatch } = await import('../../api/patch.js');
  for (const q of await parseResourceArgs(ctx, resources, opts.verb)) {
    for (const name of q.names) {
      const path = resourcePath(q.r, q.r.namespaced ? ns : undefined, name);
      const before = (await client.get(path)).body as KubeObject;
      const after = structuredClone(before);
      const spec = podSpecOf(after);
      if (!spec) throw new CliError(`error: ${q.r.plural}/${name} does not have a pod template`);
      mutate(after, spec, name);
      if (opts.list) continue;
      const patch = threeWayPatch(before, after, before);
      if (Object.keys(patch).length > 0) await client.request('PATCH', path, { query: { fieldManager: 'kubectl-set' }, body: patch, contentType: 'application/strategic-merge-patch+json' });
      else if (!opts.printUnchanged) continue;
      ctx.out(`${qualifiedSingular(q.r)}/${name} ${opts.operation}\n`);
    }
  }
  return 0;
}
