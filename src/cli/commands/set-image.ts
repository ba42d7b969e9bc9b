// `minikctl set image TYPE/NAME container=image ...`: a strategic merge patch of the template's
// containers, as kubectl sends it.
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import type { Container } from '../../api/types.js';
import { podSpecOf } from '../../api/pods.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { resolveNamespace } from '../flags.js';
import { registerSetEnv } from './set-env.js';
import { registerSetResources } from './set-resources.js';

/** Runs `set image`; returns the exit code. */
export async function runSetImage(ctx: Context, args: string[], opts: { namespace?: string }): Promise<number> {
  const images = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  const targets = await parseResourceArgs(ctx, args.filter((a) => !a.includes('=')), 'set image');
  if (Object.keys(images).length === 0) throw new CliError('error: at least one image update is required');
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  for (const q of targets) {
    for (const name of q.names) {
      const obj = (await client.get(resourcePath(q.r, ns, name))).body;
      const spec = podSpecOf(obj);
      const all: Container[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
      const changed = Object.keys(images).filter((c) => c === '*' || all.some((x) => x.name === c));
      if (changed.length === 0) throw new CliError(`error: unable to find container named "${Object.keys(images)[0]}"`);
      const containers = (spec?.containers ?? []).filter((c: Container) => images[c.name] !== undefined || images['*'] !== undefined).map((c: Container) => ({ name: c.name, image: images[c.name] ?? images['*'] }));
      const podPatch: Record<string, unknown> = {};
      if (containers.length) {
        podPatch['$setElementOrder/containers'] = (spec?.containers ?? []).map((c: Container) => ({ name: c.name }));
        podPatch.containers = containers;
      }
      const patch = q.r.kind === 'Pod' ? { spec: podPatch } : q.r.kind === 'CronJob' ? { spec: { jobTemplate: { spec: { template: { spec: podPatch } } } } } : { spec: { template: { spec: podPatch } } };
      await client.request('PATCH', resourcePath(q.r, ns, name), { query: { fieldManager: 'kubectl-set' }, body: patch, contentType: 'application/strategic-merge-patch+json' });
      ctx.out(`${qualifiedSingular(q.r)}/${name} image updated\n`);
    }
  }
  return 0;
}

/** Registers `set image`. */
export function registerSet(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const set = program.command('set').description('Set specific features on objects');
  set
    .command('image')
    .description('Update the image of a pod template')
    .argument('<args...>', 'TYPE/NAME CONTAINER=IMAGE ...')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .action((args: string[], o: { namespace?: string }) => done(runSetImage(ctx(), args, o)));
  registerSetEnv(set, ctx, done);
  registerSetResources(set, ctx, done);
}
