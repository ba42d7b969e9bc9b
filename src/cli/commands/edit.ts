// `minikctl edit TYPE NAME | TYPE/NAME...`: the objects in an editor (KUBE_EDITOR, EDITOR, else
// vi) as YAML or JSON under kubectl's header; on save, what changed is sent as a patch (strategic
// merge for built-in kinds, JSON merge for custom ones), as kubectl edit does. A refused edit
// (invalid, or a file that does not parse) reopens the editor with the reasons at the top; saving
// it unchanged gives up and says where the edits were kept. The same messages as kubectl.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { type ResourceInfo, qualifiedPlural, qualifiedSingular } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';
import { fieldValidation, patchContentType } from '../manifest-objects.js';
import { parseResourceArgs } from '../resource-args.js';
import { preparePrinter, renderObjects } from '../output.js';

interface EditOptions {
  namespace?: string;
  filename?: string[];
  recursive?: boolean;
  output?: string;
  outputPatch?: boolean;
  fieldManager?: string;
  validate?: string | boolean;
}

interface Target {
  r: ResourceInfo;
  namespace?: string;
  object: KubeObject;
}

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

/** Why the file is opened again: a line, and the causes under it. */
interface Reason {
  head: string;
  other: string[];
}

const hashLines = (s: string) => s.replaceAll('\n', '\n# ');

function header(reasons: Reason[]): string {
  let out = HEADER;
  for (const r of reasons) {
    out += `# ${hashLines(r.head)}${r.other.length ? ':' : ''}\n`;
    for (const o of r.other) out += `# * ${hashLines(o)}\n`;
    out += '#\n';
  }
  return out;
}

/** Lines that are not comments (kubectl's StripComments: a line whose first non-blank is '#'). */
const stripComments = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n');

/** The editor command: KUBE_EDITOR, EDITOR, or vi; one with quotes or escapes runs through the shell. */
function editorArgv(env: NodeJS.ProcessEnv, file: string): string[] {
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  if (!editor.includes(' ')) return [editor, file];
  if (!/["'\\]/.test(editor)) return [...editor.split(' '), file];
  return [env.SHELL || '/bin/bash', '-c', `${editor} ${file}`];
}

function launch(ctx: Context, text: string, ext: string): { file: string; edited: string } {
  const file = path.join(os.tmpdir(), `minikctl-edit-${randomBytes(5).readUInt32BE(0)}${ext}`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  const [cmd, ...args] = editorArgv(ctx.io.env as NodeJS.ProcessEnv, file);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: ctx.io.env as NodeJS.ProcessEnv });
  if (r.error) throw new CliError(`error: unable to launch the editor "${cmd}": ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`error: there was a problem with the editor "${[cmd, ...args.slice(0, -1)].join(' ')}"`);
  return { file, edited: fs.readFileSync(file, 'utf8') };
}

/** Says where the edited file was kept, then fails with `message`. */
function preserved(ctx: Context, file: string | undefined, message: string): CliError {
  if (file && fs.existsSync(file)) ctx.err(`A copy of your changes has been stored to "${file}"`);
  return new CliError(message);
}

/** The text the editor opens: one object, or a v1 List of them. */
async function render(targets: Target[], output: string): Promise<string> {
  const shown = targets.map((t) => {
    const o = structuredClone(t.object);
    delete o.metadata.managedFields;
    return o;
  });
  const doc = shown.length === 1 ? shown[0] : { apiVersion: 'v1', items: shown, kind: 'List', metadata: {} };
  if (output === 'json') return `${JSON.stringify(doc, null, 4)}\n`;
  const { toYaml } = await import('../../printers/yaml.js');
  return toYaml(doc);
}

/** The edited text read back: its value, or the first line of its syntax error. */
function readBack(text: string, parseYaml: (t: string) => unknown): { parsed?: unknown; syntaxError?: string } {
  try {
    return { parsed: parseYaml(text) };
  } catch (e) {
    return { syntaxError: (e as Error).message.split('\n')[0] };
  }
}

/** What kubectl's validation of the edited file says (undefined: valid), unless --validate=false/ignore. */
function validation(text: string, read: { parsed?: unknown; syntaxError?: string }, validate: string | boolean | undefined): string | undefined {
  if (validate === false || validate === 'false' || validate === 'ignore') return undefined;
  if (read.syntaxError !== undefined) return `[${read.syntaxError}]`;
  if (!read.parsed || typeof read.parsed !== 'object' || !(read.parsed as KubeObject).kind) return `[Object 'Kind' is missing in '${text.trim()}']`;
  return undefined;
}

/** Runs `edit`; returns the exit code. */
export async function runEdit(ctx: Context, args: string[], opts: EditOptions): Promise<number> {
  const output = opts.output ?? 'yaml';
  if (output !== 'yaml' && output !== 'json') throw new CliError(`error: the flag 'output' must be one of yaml|json`);
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const targets: Target[] = [];
  if (opts.filename?.length) {
    // -f: the objects the files name, as they are on the server now.
    const { resolveFileTargets } = await import('../manifest-objects.js');
    const { objects, errors } = await resolveFileTargets(ctx, args, { ...opts, namespace: opts.namespace });
    if (errors.length) throw new CliError(errors.join('\n'));
    for (const o of objects) {
      const namespace = o.r.namespaced ? o.namespace : undefined;
      targets.push({ r: o.r, namespace, object: (await client.get(resourcePath(o.r, namespace, o.name))).body as KubeObject });
    }
  } else if (args.length === 0) {
    throw new CliError(`error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`);
  }
  for (const q of opts.filename?.length ? [] : await parseResourceArgs(ctx, args, 'edit')) {
    if (q.names.length === 0) throw new CliError(`error: resource(s) were provided, but no name was specified`);
    for (const name of q.names) {
      const namespace = q.r.namespaced ? ns : undefined;
      targets.push({ r: q.r, namespace, object: (await client.get(resourcePath(q.r, namespace, name))).body as KubeObject });
    }
  }
  const ext = output === 'json' ? '.json' : '.yaml';
  const printed = opts.output ? await preparePrinter(opts.output) : undefined;
  const original = await render(targets, output);
  const { parseYaml } = await import('../../printers/yaml.js');
  const { threeWayPatch } = await import('../../api/patch.js');
  let reasons: Reason[] = [];
  let edited = '';
  let file: string | undefined;
  let containsError = false;
  /** A refused object: the reason the file reopens with, and kubectl's error line. */
  const refused = (t: Target, causes: string[]) => {
    const what = `${qualifiedPlural(t.r)} "${t.object.metadata.name}"`;
    reasons.push({ head: `${what} was not valid`, other: causes });
    ctx.err(`error: ${what} is invalid`);
  };
  for (;;) {
    const previous = edited;
    const text = header(reasons) + (containsError ? stripComments(edited) : original);
    if (file) fs.rmSync(file, { force: true });
    ({ file, edited } = launch(ctx, text, ext));
    if (containsError && stripComments(previous) === stripComments(edited)) throw preserved(ctx, file, 'error: Edit cancelled, no valid changes were saved.');
    const stripped = stripComments(edited);
    const read = readBack(stripped, parseYaml);
    reasons = [];
    // As kubectl, the file is validated first: text that does not parse, or names no kind (an
    // emptied file too), makes the first object "invalid" and the file opens again.
    const invalid = validation(stripped, read, opts.validate);
    if (invalid) {
      refused(targets[0], [`<nil>: Invalid value: "The edited file failed validation": ${invalid}`]);
      containsError = true;
      continue;
    }
    if (stripComments(original) === stripped) {
      fs.rmSync(file, { force: true });
      ctx.err('Edit cancelled, no changes made.');
      return 0;
    }
    if (stripped.trim() === '') {
      fs.rmSync(file, { force: true });
      ctx.err('Edit cancelled, saved file was empty.');
      return 0;
    }
    if (read.syntaxError !== undefined) {
      containsError = true;
      reasons.push({ head: `The edited file had a syntax error: ${read.syntaxError}`, other: [] });
      continue;
    }
    const parsed = read.parsed;
    const objects = (targets.length === 1 ? [parsed] : ((parsed as { items?: unknown[] } | null)?.items ?? [])) as KubeObject[];
    containsError = false;
    let failed = false;
    for (const [i, t] of targets.entries()) {
      const after = objects[i];
      const before = structuredClone(t.object);
      delete before.metadata.managedFields;
      const name = t.object.metadata.name!;
      const resourceName = qualifiedPlural(t.r);
      if (!after || typeof after !== 'object' || after.apiVersion !== before.apiVersion || after.kind !== before.kind || after.metadata?.name !== name) {
        throw preserved(ctx, file, 'error: At least one of apiVersion, kind and name was changed');
      }
      if (after.metadata?.namespace !== undefined && t.namespace !== undefined && after.metadata.namespace !== t.namespace) {
        throw preserved(ctx, file, `error: the namespace from the provided object "${after.metadata.namespace}" does not match the namespace "${t.namespace}". You must pass '--namespace=${after.metadata.namespace}' to perform this operation.`);
      }
      const patch = threeWayPatch(before, after, before);
      // As kubectl: -o also prints the result in that format instead of the `edited` line.
      const report = (o: KubeObject, verb: string) => ctx.out(printed ? renderObjects(printed, [{ r: t.r, o }], true) : `${qualifiedSingular(t.r)}/${name} ${verb}\n`);
      if (Object.keys(patch).length === 0) {
        report(t.object, 'skipped');
        continue;
      }
      if (opts.outputPatch) ctx.out(`Patch: ${JSON.stringify(patch)}\n`);
      try {
        const res = await client.request('PATCH', resourcePath(t.r, t.namespace, name), {
          query: { fieldManager: opts.fieldManager ?? 'kubectl-edit', fieldValidation: fieldValidation(opts.validate) },
          body: patch,
          contentType: patchContentType(t.r),
        });
        report(res.body, 'edited');
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed = true;
        if (e.status.reason === 'Invalid') refused(t, (e.status.details?.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`));
        else if (e.status.reason === 'NotFound') {
          ctx.err(`error: ${resourceName} "${name}" could not be found on the server`);
          ctx.err(`The edits you made on deleted resources have been saved to "${file}"`);
          return 1;
        } else {
          ctx.err(`error: ${resourceName} "${name}" could not be patched: ${e.status.message}`);
          ctx.err(`You can run \`minikctl replace -f ${file}\` to try this update again.`);
          return 1;
        }
      }
    }
    if (!failed) {
      fs.rmSync(file, { force: true });
      return 0;
    }
    containsError = true;
  }
}

/** Registers `edit`. */
export function registerEdit(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('edit')
    .description('Edit a resource on the server')
    .argument('[resources...]', 'TYPE NAME..., TYPE/NAME...')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-f, --filename <file...>', 'Files, folders or - naming the resources to edit (they are read from the server)')
    .option('-R, --recursive', 'Process the folders given with -f recursively')
    .option('-o, --output <format>', 'The format to edit in, yaml (default) or json; given, also the format the result is printed in')
    .option('--output-patch', 'Output the patch if the resource is edited')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership', 'kubectl-edit')
    .option('--validate <mode>', 'strict (default), warn or ignore: what the server does with unknown fields', 'strict')
    .addHelpText(
      'after',
      `
Examples:
  # Edit the service named 'registry'
  minikctl edit svc/registry

  # Use an alternative editor
  KUBE_EDITOR="nano" minikctl edit svc/registry

  # Edit the deployment 'mydeployment' in YAML and save the modified config in its annotation
  minikctl edit deployment/mydeployment -o yaml

  # Edit the objects a manifest names, as they are on the server
  minikctl edit -f deploy.yaml
`,
    )
    .action((resources: string[], o: EditOptions) => done(runEdit(ctx(), resources, o)));
}
