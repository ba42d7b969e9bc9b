// A process pod's volumes as files: each volume is a directory under the pod's directory
// (`volumes/<name>`), and each container's mounts appear under `root/` at their mount paths
// (`root/etc/config` -> `volumes/config`), the layout the container would see. A process runs on
// the host, so it finds its mounts relative to its working directory (`root/` and its
// `workingDir` under it); docs/runtime.md says so. ConfigMap, Secret, downward API, projected
// (those three), emptyDir and PersistentVolumeClaim (a directory per claim that outlives the
// pod) are written; hostPath is never followed (a manifest does not pick host paths).
import fs from 'node:fs';
import path from 'node:path';
import type { Container, KeyToPath, Pod, Volume } from '../../api/types.js';
import { podField, resourceField, type EnvSources } from './env.js';

/** A file a volume holds: its path inside the volume, its bytes and mode. */
export interface VolumeFile {
  path: string;
  data: Buffer;
  mode: number;
}

type DownwardItems = { path: string; fieldRef?: { fieldPath: string }; resourceFieldRef?: { resource: string; containerName?: string; divisor?: string } }[];

function keyed(data: Record<string, Buffer>, items: KeyToPath[] | undefined, mode: number): VolumeFile[] {
  if (!items?.length) return Object.entries(data).map(([k, v]) => ({ path: k, data: v, mode }));
  return items.filter((i) => i.key in data).map((i) => ({ path: i.path, data: data[i.key], mode: i.mode ?? mode }));
}

const textData = (d: Record<string, string> | undefined) => Object.fromEntries(Object.entries(d ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
const secretData = (d: Record<string, string> | undefined) => Object.fromEntries(Object.entries(d ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));

function downward(pod: Pod, items: DownwardItems | undefined, mode: number, src: EnvSources): VolumeFile[] {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return (items ?? []).map((i) => {
    const value = i.fieldRef ? (podField(pod, i.fieldRef.fieldPath) ?? '') : i.resourceFieldRef ? resourceField(pod, all.find((c) => c.name === i.resourceFieldRef!.containerName) ?? all[0], i.resourceFieldRef.resource, i.resourceFieldRef.divisor, src.allocatable) : '';
    return { path: i.path, data: Buffer.from(value), mode };
  });
}

/** The files of a volume whose content the pod's API objects give (undefined: a directory the pod fills itself). */
export function volumeFiles(pod: Pod, v: Volume, src: EnvSources & { configMapBinary?(name: string): Record<string, string> | undefined }): VolumeFile[] | undefined {
  if (v.configMap) return keyed({ ...textData(src.configMap(v.configMap.name)), ...secretData(src.configMapBinary?.(v.configMap.name)) }, v.configMap.items, v.configMap.defaultMode ?? 0o644);
  if (v.secret) return keyed(secretData(src.secret(v.secret.secretName)), v.secret.items, v.secret.defaultMode ?? 0o644);
  if (v.downwardAPI) return downward(pod, v.downwardAPI.items as DownwardItems, v.downwardAPI.defaultMode ?? 0o644, src);
  if (v.projected) {
    const mode = v.projected.defaultMode ?? 0o644;
    return (v.projected.sources ?? []).flatMap((s) => {
      if (s.configMap) return keyed(textData(src.configMap(s.configMap.name)), s.configMap.items, mode);
      if (s.secret) return keyed(secretData(src.secret(s.secret.name)), s.secret.items, mode);
      if (s.downwardAPI) return downward(pod, (s.downwardAPI as { items?: DownwardItems }).items, mode, src);
      return [];
    });
  }
  return undefined;
}

/** A path inside a directory, refusing any that would leave it (`..`, absolute). */
export function inside(dir: string, rel: string): string {
  const p = path.resolve(dir, '.' + path.posix.normalize('/' + rel));
  if (p !== dir && !p.startsWith(dir + path.sep)) throw new Error(`path ${JSON.stringify(rel)} leaves ${dir}`);
  return p;
}

/**
 * Writes the pod's volumes under `podDir/volumes` (claims under `claimsDir/<claim>`) and every
 * container's mounts under `podDir/root`; `own` gives a path to the processes' user.
 */
export function materializeVolumes(pod: Pod, podDir: string, claimsDir: string, src: EnvSources, own: (p: string) => void): void {
  const volumesDir = path.join(podDir, 'volumes');
  fs.mkdirSync(volumesDir, { recursive: true, mode: 0o755 });
  const dirs = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    let dir = inside(volumesDir, v.name);
    if (v.persistentVolumeClaim) dir = inside(claimsDir, v.persistentVolumeClaim.claimName);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    own(dir);
    for (const f of volumeFiles(pod, v, src) ?? []) {
      const file = inside(dir, f.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.data, { mode: f.mode });
      fs.chmodSync(file, f.mode);
    }
    dirs.set(v.name, dir);
  }
  const root = path.join(podDir, 'root');
  fs.mkdirSync(root, { recursive: true });
  own(root);
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const m of c.volumeMounts ?? []) {
      const target = dirs.get(m.name);
      if (!target) continue;
      const at = inside(root, m.mountPath);
      if (at === root) continue;
      fs.mkdirSync(path.dirname(at), { recursive: true });
      try {
        fs.lstatSync(at);
        continue; // mounted already (another container's mount of the same path)
      } catch {
        fs.symlinkSync(m.subPath ? inside(target, m.subPath) : target, at);
      }
    }
  }
}

/** The directory a container's process starts in: its workingDir under the pod's root (the root itself by default). */
export function workingDirectory(podDir: string, c: Container): string {
  return inside(path.join(podDir, 'root'), c.workingDir ?? '/');
}
