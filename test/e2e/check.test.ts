// `minikctl check` as CI runs it: the built CLI as a process, its exit codes (0 clean, 1 findings,
// 2 usage or input errors), every output format parsed back, bad input refused clearly and fast,
// and nothing written to MINIK_HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cliProcess } from '../helpers.js';

const BROKEN = path.join(ROOT, 'test/check/fixtures/broken');
const CLEAN = path.join(ROOT, 'test/check/fixtures/clean');
let home: string;
let scratch: string;

const check = (args: string[], stdin?: string) => cliProcess(home, ['check', ...args], stdin === undefined ? {} : { stdin });

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-check-'));
  // A state dir that must stay absent: check runs no daemon and writes nothing there.
  home = path.join(scratch, 'never-created');
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('minikctl check', () => {
  it("passes the repository's own manifests (exit 0) and leaves MINIK_HOME untouched", async () => {
    const r = await check(['manifests/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ \d+ objects in \d+ files, .* simulated: no problems found\n$/);
    expect(fs.existsSync(home)).toBe(false);
  });

  it('prints findings by file with a summary table, and exits 1', async () => {
    const r = await check([BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${path.join(BROKEN, 'missing-configmap.yaml')}\n   1  error    Deployment/default/needs-config: deployment "needs-config" exceeded its progress deadline\n  17  error    Deployment/default/needs-config: configmap "app-config" not found\n\n`,
    );
    expect(r.stdout).toMatch(/│ FILE +│ OBJECTS │ ERRORS │ WARNINGS │/);
    expect(r.stdout).toMatch(/✖ \d+ errors and \d+ warnings in \d+ objects in 19 files, 15m simulated \(the horizon passed before the cluster settled\)\n$/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('writes valid JUnit XML: one suite per file, one case per object, failures for errors', async () => {
    const r = await check([BROKEN, '-o', 'junit']);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(r.stdout);
    const suites = xml.testsuites.testsuite as { name: string; tests: string; failures: string; testcase: { name: string; failure?: { message: string } }[] }[];
    expect(suites).toHaveLength(19);
    const cm = suites.find((s) => s.name.endsWith('missing-configmap.yaml'))!;
    expect(cm.testcase.map((c) => c.name)).toEqual(['Deployment/default/needs-config']);
    expect(cm.testcase[0].failure!.message).toBe('deployment "needs-config" exceeded its progress deadline');
    const warnOnly = suites.find((s) => s.name.endsWith('service-selects-nothing.yaml'))!;
    expect(warnOnly.failures).toBe('0');
    expect(Number(xml.testsuites.tests)).toBe(suites.reduce((n, s) => n + Number(s.tests), 0));
  });

  it('writes GitHub workflow commands with file and line', async () => {
    const r = await check([path.join(BROKEN, 'missing-configmap.yaml'), path.join(BROKEN, 'service-selects-nothing.yaml'), '-o', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`::error file=${path.join(BROKEN, 'missing-configmap.yaml')},line=17,title=minik check%3A Deployment/default/needs-config::configmap "app-config" not found`);
    expect(lines).toContain(
      `::warning file=${path.join(BROKEN, 'service-selects-nothing.yaml')},line=6,title=minik check%3A Service/default/orphan::the selector app=nobody matches no pod template in the checked set: the Service will have no endpoints`,
    );
    for (const l of lines) expect(l).toMatch(/^::(error|warning) file=[^,]+,line=\d+,title=[^:]+::.+$/);
  });

  it('writes JSON and SARIF that parse, with the same findings', async () => {
    const json = JSON.parse((await check([BROKEN, '-o', 'json'])).stdout);
    expect(json.summary).toMatchObject({ files: 19, passed: false });
    expect(json.findings.length).toBe(json.summary.errors + json.summary.warnings);
    const sarif = JSON.parse((await check([BROKEN, '-o', 'sarif'])).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(json.findings.length);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(json.findings[0].line);
  });

  it('fails on the severity asked for', async () => {
    const warnOnly = path.join(BROKEN, 'service-selects-nothing.yaml');
    expect((await check([warnOnly])).code).toBe(0);
    expect((await check([warnOnly, '--fail-on', 'warning'])).code).toBe(1);
    expect((await check([BROKEN, '--fail-on', 'none'])).code).toBe(0);
  });

  it('reads standard input (helm template | minikctl check -f -) and folders without simulating', async () => {
    const text = fs.readFileSync(path.join(CLEAN, 'app.yaml'), 'utf8') + '\n---\n' + fs.readFileSync(path.join(BROKEN, 'unschedulable.yaml'), 'utf8');
    const r = await check(['-f', '-'], text);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('STDIN\n');
    expect(r.stdout).toContain('Deployment/default/huge: 2 pods cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu.');
    const quick = await check([CLEAN, '--no-simulate']);
    expect(quick.code).toBe(0);
    expect(quick.stdout).toMatch(/not simulated: no problems found/);
  });

  it('uses the nodes it is given', async () => {
    const r = await check([path.join(BROKEN, 'unschedulable.yaml'), '--nodes', '2', '--node-cpu', '128']);
    expect(r.code).toBe(0);
  });

  describe('refuses input it cannot check, with exit 2 and a clear error', () => {
    it.each([
      ['a path that does not exist', () => [path.join(scratch, 'nope.yaml')], /^error: the path ".*nope\.yaml" does not exist\n$/],
      ['an empty folder', () => [fs.mkdtempSync(path.join(scratch, 'empty-'))], /^error: no manifests \(\.yaml, \.yml or \.json files\) found in /],
      [
        'binary data',
        () => {
          const f = path.join(scratch, 'image.yaml');
          fs.writeFileSync(f, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]));
          return [f];
        },
        /^error: .*image\.yaml is binary data, not a YAML or JSON manifest\n$/,
      ],
      [
        'a 100 MB file',
        () => {
          const f = path.join(scratch, 'huge.yaml');
          fs.closeSync(fs.openSync(f, 'w'));
          fs.truncateSync(f, 100 * 1024 * 1024);
          return [f];
        },
        /^error: .*huge\.yaml is too large \(100\.0 MiB\): minik reads manifests of at most 16 MiB\n$/,
      ],
      [
        'an alias bomb',
        () => {
          const f = path.join(scratch, 'bomb.yaml');
          const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
          for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
          fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n' + lines.map((l) => `  ${l}`).join('\n') + '\n');
          return [f];
        },
        /^error: error parsing .*bomb\.yaml \(document 1, line 1\): Excessive alias count indicates a resource exhaustion attack\n$/,
      ],
      ['an unknown output format', () => [CLEAN, '-o', 'xml'], /^error: unknown output format "xml" \(one of text, json, junit, github, sarif\)\n$/],
      ['an unknown flag', () => [CLEAN, '--frobnicate'], /^error: unknown flag: --frobnicate\n/],
      ['no path at all', () => [], /^error: must specify one or more paths/],
    ])('%s', async (_, args, message) => {
      const r = await check(args());
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    });
  });
});
