// Parsing what users type after a verb: `pods`, `pods,svc`, `pod nginx web`, `deploy/web svc/web`,
// `all`. Resolved through the one resource table, as kubectl's RESTMapper does.
import type { ResourceCatalog, ResourceInfo } from '../api/resources.js';
import type { Context } from './context.js';
import { CliError } from './errors.js';

/** What to operate on: per resource, the names given (empty = all of them). */
export interface ResourceRequest {
  r: ResourceInfo;
  names: string[];
}

/** Resolves one type name, or fails as kubectl does for unknown types. */
export function resolveType(cat: ResourceCatalog, arg: string): ResourceInfo[] {
  const rs = cat.resolve(arg);
  if (rs.length === 0) throw new CliError(`error: the server doesn't have a resource type "${arg}"`);
  return rs;
}

/** The type names in positional arguments: `pods,svc`, or the types of `deploy/web svc/web`. */
function typeNames(args: string[]): string[] {
  if (args.some((a) => a.includes('/'))) return args.filter((a) => a.includes('/')).map((a) => a.slice(0, a.indexOf('/')));
  return args.length ? args[0].split(',').filter(Boolean) : [];
}

/** Parses the positional arguments of get/describe/delete/label/annotate (custom resources resolved through the cluster). */
export async function parseResourceArgs(ctx: Context, args: string[], verb: string): Promise<ResourceRequest[]> {
  return parseResourceArgsIn(await ctx.catalogFor(typeNames(args)), args, verb);
}

/** Parses positional arguments against a catalog. */
export function parseResourceArgsIn(cat: ResourceCatalog, args: string[], verb: string): ResourceRequest[] {
  if (args.length === 0) {
    throw new CliError(
      `You must specify the type of resource to ${verb}. Use "minikctl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "minikctl explain <resource>" for a detailed description of that resource (e.g. minikctl explain pods).\nSee 'minikctl ${verb} -h' for help and examples`,
    );
  }
  if (args.some((a) => a.includes('/'))) {
    const out: ResourceRequest[] = [];
    for (const a of args) {
      const i = a.indexOf('/');
      if (i < 0) throw new CliError(`error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'minikctl ${verb} resource/<resource_name>' instead of 'minikctl ${verb} resource resource/<resource_name>'`);
      const [r] = resolveType(cat, a.slice(0, i));
      const name = a.slice(i + 1);
      if (!name) throw new CliError(`error: arguments in resource/name form must have a single resource and name`);
      const prev = out.find((x) => x.r === r);
      if (prev) prev.names.push(name);
      else out.push({ r, names: [name] });
    }
    return out;
  }
  const [types, ...names] = args;
  const rs: ResourceInfo[] = [];
  for (const t of types.split(',').filter(Boolean)) for (const r of resolveType(cat, t)) if (!rs.includes(r)) rs.push(r);
  return rs.map((r) => ({ r, names: [...names] }));
}
