// Shell completion: the bash script sourced in a real bash asks `minikctl __complete` and gets
// commands, flags, resource types and live object names; a stopped daemon is never started by it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDaemonInfo } from '../../src/client/connect.js';
import { cliProcess, commandOnPath, stopProcessDaemon, tempHome } from '../helpers.js';

const BASH = commandOnPath('bash');
const BIN_DIR = path.resolve(__dirname, '../../bin');
let home: string;

beforeAll(async () => {
  home = tempHome();
  await cliProcess(home, ['apply', '-f', '-'], {
    stdin: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec: {containers: [{name: app, image: busybox}]}\n',
  });
});
afterAll(() => stopProcessDaemon(home));

const complete = async (...words: string[]) => (await cliProcess(home, ['__complete', ...words])).stdout.split('\n').filter(Boolean);

describe('completion', () => {
  it.each([
    [['ge'], ['get']],
    [['rollout', 'st'], ['status']],
    [['get', 'deploy'], ['deploy', 'deployments']],
    [['get', 'pods', '--sel'], ['--selector']],
    [['get', 'pods', 'so'], ['solo']],
    [['describe', 'deploy/'], ['deploy/web']],
    [['logs', 'so'], ['solo']],
    [['get', 'pods', '-n', 'kube-n'], ['kube-node-lease']],
    [['cordon', 'node-'], ['node-1', 'node-2', 'node-3']],
    [['config', 'use'], ['use-context']],
    [['completion', 'x'], []],
  ])('%j -> %j', async (words, want) => {
    expect(await complete(...words)).toEqual(want);
  });

  it.skipIf(!BASH)('the bash script completes in bash', () => {
    const script = `source <(minikctl completion bash); COMP_WORDS=(minikctl get deploy w); COMP_CWORD=3; _minikctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = execFileSync(BASH!, ['-c', script], { env: { ...process.env, PATH: `${BIN_DIR}:${process.env.PATH}`, MINIK_HOME: home }, encoding: 'utf8' });
    expect(out).toBe('web\n');
  });

  it('never starts a daemon, and says which shells it knows', async () => {
    const cold = tempHome();
    try {
      expect((await cliProcess(cold, ['__complete', 'get', 'pods', ''])).stdout).toBe('');
      expect(readDaemonInfo(cold)).toBeUndefined();
      expect((await cliProcess(cold, ['completion', 'tcsh'])).stderr).toBe('error: Unsupported shell type "tcsh".\n');
      expect((await cliProcess(cold, ['completion', 'zsh'])).stdout).toMatch(/^#compdef minikctl\n/);
    } finally {
      fs.rmSync(cold, { recursive: true, force: true });
    }
  });
});
