// The source tree's layers (docs/architecture.md): each folder of src/ may import only the
// folders below it, and only the registry (and the two places that build a cluster) touch the
// store. Read from the import statements themselves, so a new crossing fails here, not in review.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

/** What each folder may import besides itself: every arrow points down. */
const ALLOWED: Record<string, string[]> = {
  api: [],
  store: ['api'],
  sim: ['api'],
  state: ['api'],
  manifests: ['api'],
  apiserver: ['api', 'store', 'sim'],
  runtime: ['api', 'apiserver'],
  controllers: ['api', 'apiserver', 'runtime', 'sim'],
  scheduler: ['api', 'apiserver', 'runtime'],
  kubelet: ['api', 'apiserver', 'runtime', 'sim', 'state'],
  proxy: ['api', 'apiserver', 'runtime'],
  daemon: ['api', 'store', 'sim', 'state', 'apiserver', 'runtime', 'controllers', 'scheduler', 'kubelet', 'proxy'],
  check: ['api', 'store', 'sim', 'manifests', 'apiserver', 'daemon'],
  client: ['api', 'state'],
  printers: ['api', 'check'],
  cli: ['api', 'sim', 'state', 'manifests', 'client', 'printers', 'check'],
};

/** The only files that may import the store: the registry, and the two that open one for a cluster. */
const STORE_USERS = ['apiserver/registry.ts', 'daemon/daemon.ts', 'check/cluster.ts'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of a file (static, type-only, re-exports and dynamic), as src-relative paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC).map((f) => ({ file: path.relative(SRC, f), imports: importsOf(f) }));
const layerOf = (p: string) => p.split(path.sep)[0];

describe('layers', () => {
  it('every folder of src/ has a place in the layering', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('imports point down the layers only', () => {
    const crossings = files.flatMap(({ file, imports }) =>
      imports.filter((i) => layerOf(i) !== layerOf(file) && !ALLOWED[layerOf(file)]?.includes(layerOf(i))).map((i) => `${file} -> ${i}`),
    );
    expect(crossings).toEqual([]);
  });

  it('the allowed arrows have no cycle', () => {
    const seen = new Set<string>();
    const visiting = new Set<string>();
    const cycle: string[] = [];
    const visit = (l: string, trail: string[]): void => {
      if (visiting.has(l)) cycle.push([...trail, l].join(' -> '));
      if (seen.has(l)) return;
      seen.add(l);
      visiting.add(l);
      for (const next of ALLOWED[l]) visit(next, [...trail, l]);
      visiting.delete(l);
    };
    for (const l of Object.keys(ALLOWED)) visit(l, []);
    expect(cycle).toEqual([]);
  });

  it('only the registry and the code that opens a cluster import the store', () => {
    const users = files.filter(({ file, imports }) => layerOf(file) !== 'store' && imports.some((i) => layerOf(i) === 'store')).map((f) => f.file);
    expect(users.sort()).toEqual([...STORE_USERS].sort());
  });

  it('no file outside the registry reaches into a registry\'s store', () => {
    const reaching = files.filter(({ file }) => file !== STORE_USERS[0] && /\breg(istry)?\.store\b/.test(fs.readFileSync(path.join(SRC, file), 'utf8'))).map((f) => f.file);
    expect(reaching).toEqual([]);
  });

  it('the registry is generic: it never branches on a kind (per-kind rules are strategies)', () => {
    const text = fs.readFileSync(path.join(SRC, 'apiserver/registry.ts'), 'utf8');
    expect(text.match(/\bkind\s*[!=]==\s*'[A-Z]\w*'/g) ?? []).toEqual([]);
  });

  it("the CLI's start-up does not load the API's wire-format tables, the CEL evaluator or the YAML printer (commands that need them import them when run)", () => {
    // Static imports only (not `import type`, not `import(...)`): what loading cli/main.ts parses.
    const staticImports = (file: string) => {
      const text = fs.readFileSync(path.join(SRC, file), 'utf8');
      const specs = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]);
      return specs.map((sp) => path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), sp)).replace(/\.js$/, '.ts'));
    };
    const loaded = new Set<string>();
    const queue = ['cli/main.ts'];
    while (queue.length > 0) {
      const f = queue.shift()!;
      if (loaded.has(f) || !fs.existsSync(path.join(SRC, f))) continue;
      loaded.add(f);
      queue.push(...staticImports(f));
    }
    expect(loaded.has('cli/commands/get.ts')).toBe(true);
    expect([...loaded].filter((f) => f.startsWith('api/protobuf/') || f === 'api/patch-meta.ts' || f === 'printers/yaml.ts' || f === 'api/cel.ts' || f === 'api/structural.ts')).toEqual([]);
  });
});
