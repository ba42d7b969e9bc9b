// The store setting: parsed strictly, kept in the state dir once given, SQLite by default.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoreSetting, resolveStoreSetting } from '../../src/state/store-setting.js';
import { tempHome } from '../helpers.js';

describe('store setting', () => {
  it.each([
    ['', { kind: 'sqlite' }],
    ['sqlite', { kind: 'sqlite' }],
    ['etcd://127.0.0.1:2379', { kind: 'etcd', url: 'etcd://127.0.0.1:2379', endpoints: ['http://127.0.0.1:2379'] }],
    ['etcd://a:1,b.example:22379,[::1]:3', { kind: 'etcd', url: 'etcd://a:1,b.example:22379,[::1]:3', endpoints: ['http://a:1', 'http://b.example:22379', 'http://[::1]:3'] }],
  ])('reads %j', (text, setting) => {
    expect(parseStoreSetting(text)).toEqual(setting);
  });

  it.each([
    ['postgres://x', 'invalid store "postgres://x": expected sqlite or etcd://HOST:PORT[,HOST:PORT...]'],
    ['etcd://', 'invalid store "etcd://": expected sqlite or etcd://HOST:PORT[,HOST:PORT...]'],
    ['etcd://host', 'invalid etcd endpoint "host" in store "etcd://host": expected HOST:PORT'],
    ['etcd://a:1,/x:2', 'invalid etcd endpoint "/x:2" in store "etcd://a:1,/x:2": expected HOST:PORT'],
  ])('refuses %j', (text, message) => {
    expect(() => parseStoreSetting(text)).toThrow(message);
  });

  it('keeps a given setting for later starts, and forgets it for sqlite', () => {
    const home = tempHome();
    try {
      const file = path.join(home, 'store');
      expect(resolveStoreSetting(undefined, file)).toEqual({ kind: 'sqlite' });
      resolveStoreSetting('etcd://127.0.0.1:2379', file);
      expect(resolveStoreSetting(undefined, file)).toMatchObject({ kind: 'etcd', url: 'etcd://127.0.0.1:2379' });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      resolveStoreSetting('sqlite', file);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
