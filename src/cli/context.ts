// What every command gets: the IO streams, the state dir, the namespace, colour, and the API
// client (connected on first use, starting the daemon if needed).
import fs from 'node:fs';
import path from 'node:path';
import { catalogWith } from '../api/custom-resources.js';
import { BUILTIN, type ResourceCatalog } from '../api/resources.js';
import type { CustomResourceDefinition, KubeList } from '../api/types.js';
import { ApiError, type Client } from '../client/client.js';
import { connect } from '../client/connect.js';
import { stateHome, statePaths } from '../state/state.js';
import { type Colors, plain } from '../printers/colors.js';
import type { IO } from './io.js';


/**
 * Colours for a stream: chalk on a TTY unless NO_COLOR or --no-color, else plain text. chalk is
 * loaded only then, so scripts and pipes never pay for it.
 */
export async function loadColors(io: IO, stream: 'stdout' | 'stderr', noColor: boolean): Promise<Colors> {
  if (noColor || io.env.NO_COLOR || !io[stream].isTTY) return plain;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** The context of one CLI invocation. */
export class Context {
  private clientPromise?: Promise<Client>;
  private catalogPromise?: Promise<ResourceCatalog>;

  constructor(
    readonly io: IO,
    /** Colours for stderr notes and errors. */
    readonly color: Colors = plain,
    /** --no-color was given. */
    readonly noColor = false,
    readonly home: string = stateHome(io.env),
  ) {}

  private namespacePromise?: Promise<string>;

  /**
   * The namespace a command works in without -n: the current context's in minik's kubeconfig
   * (`minikctl config set-context --current --namespace=dev`, or kubectl's), else `default`.
   * Parsing YAML costs more than the rest of a command's start-up, so what a kubeconfig of this
   * size and time said is remembered in the state dir.
   */
  defaultNamespace(): Promise<string> {
    this.namespacePromise ??= (async () => {
      const file = statePaths(this.home).kubeconfig;
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        return 'default';
      }
      const stamp = `${stat.size}:${stat.mtimeMs}`;
      const memo = path.join(this.home, 'kubeconfig.namespace');
      try {
        const [seen, ns] = fs.readFileSync(memo, 'utf8').split('\n');
        if (seen === stamp && ns) return ns;
      } catch {
        // read below
      }
      const { currentNamespace } = await import('../state/kubeconfig.js');
      const ns = currentNamespace(file);
      try {
        fs.writeFileSync(memo, `${stamp}\n${ns}\n`);
      } catch {
        // a read-only state dir: parsed again next time
      }
      return ns;
    })();
    return this.namespacePromise;
  }

  /** Impersonation headers of the global --as / --as-group flags (every request then acts as that user). */
  impersonation: Record<string, string | string[]> = {};

  /** The API client; the daemon is started (and that noted on stderr) if it is not running. */
  client(): Promise<Client> {
    this.clientPromise ??= connect(this.home, this.io.env, (line) => this.io.stderr.write(line + '\n')).then((c) => {
      c.defaultHeaders = this.impersonation;
      return c;
    });
    return this.clientPromise;
  }

  /**
   * The resources the cluster serves: the built-in ones and those of its CustomResourceDefinitions
   * (listed once per invocation, on first need), with those of `pending` CRDs (about to be applied
   * from the same files) as if established.
   */
  catalog(pending: CustomResourceDefinition[] = []): Promise<ResourceCatalog> {
    this.catalogPromise ??= (async () => {
      const client = await this.client();
      let crds: CustomResourceDefinition[];
      try {
        crds = (await client.get<KubeList<CustomResourceDefinition>>(CRD_PATH)).body.items;
      } catch (e) {
        // A user (--as) RBAC does not let read CRDs knows the built-in kinds only (kubectl would
        // still learn custom kinds from discovery, which everyone may read).
        if (!(e instanceof ApiError && e.httpStatus === 403)) throw e;
        crds = [];
      }
      const names = new Set(crds.map((c) => c.metadata.name));
      return catalogWith([...crds, ...pending.filter((c) => !names.has(c.metadata.name))]);
    })();
    return this.catalogPromise;
  }

  /**
   * The catalog to resolve these type names in: the built-in one when each names one built-in
   * resource (no request), else the cluster's (custom resources, categories such as `all`).
   */
  async catalogFor(typeNames: string[]): Promise<ResourceCatalog> {
    const builtin = typeNames.every((n) => BUILTIN.resolve(n).length === 1 && !BUILTIN.all.some((r) => r.categories.includes(n.toLowerCase())));
    return builtin ? BUILTIN : this.catalog();
  }

  /** Writes to stdout. */
  out(s: string): void {
    this.io.stdout.write(s);
  }

  /** Writes a line to stderr. */
  err(line: string): void {
    this.io.stderr.write(line + '\n');
  }

  /** A kubectl-style warning on stderr. */
  warn(msg: string): void {
    this.err(`${this.color.yellow('Warning:')} ${msg}`);
  }

  /** Releases the client's connections. */
  async close(): Promise<void> {
    if (this.clientPromise) (await this.clientPromise.catch(() => undefined))?.close();
  }
}
