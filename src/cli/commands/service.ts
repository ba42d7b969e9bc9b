// `minikctl service NAME --url`, as `minikube service --url`: a loopback URL per NodePort of a
// Service. The daemon serves NodePorts on 127.0.0.1 when its runtime config runs processes
// (docs/runtime.md); when nothing answers on one, stderr says so.
import net from 'node:net';
import type { Command } from 'commander';
import { resourceNamed } from '../../api/resources.js';
import type { Service } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';

interface ServiceOptions {
  namespace?: string;
  url?: boolean;
  https?: boolean;
  format?: string;
}

/** Whether something accepts connections on 127.0.0.1:port (within a short wait). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The URLs of a Service's NodePorts, formatted as minikube does (`http://{{.IP}}:{{.Port}}`). */
export function serviceURLs(svc: Service, opts: { https?: boolean; format?: string }): { port: number; url: string }[] {
  const format = opts.format ?? `${opts.https ? 'https' : 'http'}://{{.IP}}:{{.Port}}`;
  return (svc.spec?.ports ?? []).filter((p) => p.nodePort).map((p) => ({ port: p.nodePort!, url: format.replace(/\{\{\s*\.IP\s*\}\}/g, '127.0.0.1').replace(/\{\{\s*\.Port\s*\}\}/g, String(p.nodePort)) }));
}

async function runService(ctx: Context, name: string, opts: ServiceOptions): Promise<number> {
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const svc = (await client.get<Service>(resourcePath(resourceNamed('services'), ns, name))).body;
  const urls = serviceURLs(svc, opts);
  if (urls.length === 0) throw new CliError(`error: service ${ns}/${name} has no node port (type ${svc.spec?.type ?? 'ClusterIP'}): only NodePort and LoadBalancer Services are reachable from this machine`);
  for (const u of urls) ctx.out(`${u.url}\n`);
  for (const u of urls) {
    if (!(await answers(u.port))) ctx.err(`warning: nothing answers on 127.0.0.1:${u.port} yet: the daemon serves NodePorts only when its runtime config runs processes, and only for ready pods that run as processes (see docs/runtime.md)\n`);
  }
  return 0;
}

/** Registers `service`. */
export function registerService(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('service')
    .description("Print a loopback URL for each NodePort of a Service (as 'minikube service --url')")
    .argument('<name>', 'The Service')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--url', 'Print the URLs (the default: minik opens no browser)')
    .option('--https', 'Use https:// in the URLs')
    .option('--format <template>', 'The URL format ({{.IP}} and {{.Port}})')
    .action((name: string, o: ServiceOptions) => done(runService(ctx(), name, o)));
}
